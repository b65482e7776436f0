import os

from flask import Flask

app = Flask(__name__)  # want "FG701 The app sets neither X-Content-Type-Options nor X-Frame-Options"
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]


@app.route("/")
def index():
    return "hello"
