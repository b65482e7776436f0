from flask import Flask

from settings import BaseConfig

app = Flask(__name__)
app.config.from_object(BaseConfig)
app.config["SESSION_COOKIE_HTTPONLY"] = False  # want "FG102 SESSION_COOKIE_HTTPONLY = False"


@app.route("/")
def index():
    return "hello"
