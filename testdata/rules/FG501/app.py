"""No Limiter in this file: the fix adds one after the app."""
from flask import Flask, redirect, request
from flask_login import login_user
from werkzeug.security import check_password_hash

from .models import User

app = Flask(__name__)
app.config.from_prefixed_env()


@app.route("/login", methods=["GET", "POST"])  # want "FG501 This authentication view accepts POST without a rate limit"
def login():
    user = User.query.filter_by(name=request.form["name"]).first()
    if user and check_password_hash(user.pw_hash, request.form["password"]):
        login_user(user)
        return redirect("/")
    return "login form"


@app.post("/api/token")  # want "FG501"
def issue():
    return {"token": "..."}


@app.route("/account/update", methods=["POST"])  # want "FG501"
def update_account():
    # Not named like authentication, but it checks a password.
    user = User.current()
    if not check_password_hash(user.pw_hash, request.form["current"]):
        return "wrong password", 403
    return "ok"


@app.route("/resetPassword", methods=("POST",))  # want "FG501"
def reset():
    return "mail sent"


@app.route(  # want "FG501"
    "/sign-up",
    methods=["post"],
)
def create_account():
    return "welcome"


# Not authentication views, or not accepting POST:
@app.route("/login")
def login_form():
    return "form"


@app.route("/authors", methods=["POST"])
def add_author():
    return "ok"


@app.route("/presets", methods=["POST"])
def save_preset():
    return "ok"


@app.route("/logout", methods=["POST"])
def logout():
    return redirect("/")


@app.route("/signin", methods=["POST"])  # noqa: FG501
def signin():
    return "ok"
