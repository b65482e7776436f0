"""Module docstring: app.run(debug=True) here is not code."""
from flask import Flask

app = Flask(__name__)

# app.run(debug=True) in a comment is not code


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.run(debug=True)  # want "FG401"
