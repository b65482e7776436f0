import os

from flask import Flask, request
from flask_login import LoginManager, login_user


class Config:  # want "FG105 Config never sets REMEMBER_COOKIE_SECURE"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    REMEMBER_COOKIE_HTTPONLY = False  # want "FG105 REMEMBER_COOKIE_HTTPONLY = False"


app = Flask(__name__)
app.config.from_object(Config)
login_manager = LoginManager(app)


@app.route("/login", methods=["POST"])
def login():
    user = load(request.form["name"])
    login_user(user, remember=request.form.get("remember") == "on")
    return "ok"


def load(name):
    return name
