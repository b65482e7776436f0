"""A small Flask app with the mistakes flaskguard finds."""
from flask import Flask, request
from werkzeug.debug import DebuggedApplication

from config import ProductionConfig

app = Flask(__name__)
app.config.from_object(ProductionConfig)
app.config["DEBUG"] = True
app.wsgi_app = DebuggedApplication(app.wsgi_app, evalex=True)


@app.route("/login", methods=["GET", "POST"])
def login():
    return "login " + request.method


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
