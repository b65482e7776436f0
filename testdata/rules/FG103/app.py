from flask import Flask, flash

app = Flask(__name__)  # want "FG103 The app never sets SESSION_COOKIE_SAMESITE"


@app.route("/")
def index():
    flash("hello")
    return "hello"
