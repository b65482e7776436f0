import os

from flask import Flask, session

app = Flask(__name__)  # want "FG101 The app never sets SESSION_COOKIE_SECURE"
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["PERMANENT_SESSION_LIFETIME"] = 3600


@app.route("/")
def index():
    session["seen"] = True
    return "hello"
