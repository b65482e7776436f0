"""Views registered with add_url_rule; no Limiter in this file: the fix adds one after the app."""
from flask import Flask, request
from flask_login import login_user
from werkzeug.security import check_password_hash

from .models import User

app = Flask(__name__)


def login():
    user = User.query.filter_by(name=request.form["name"]).first()
    if user and check_password_hash(user.pw_hash, request.form["password"]):
        return "welcome"
    return "no", 401


def create_account():
    return "named like nothing, registered at /sign-up"


def open_session():
    login_user(User.current())
    return "the body logs a user in"


@app.errorhandler(500)
def forgot_password():
    return "decorated by something else: the limit goes right above the def"


def search():
    return "results"


def login_form():
    return "form"


app.add_url_rule("/login", view_func=login, methods=["POST"])  # want "FG501 This authentication view accepts POST without a rate limit"
app.add_url_rule("/sign-up", "signup", create_account, methods=("GET", "POST"))  # want "FG501"
app.add_url_rule("/session", view_func=open_session, methods=["POST"])  # want "FG501"
app.add_url_rule(  # want "FG501"
    "/forgot",
    view_func=forgot_password,
    methods=["post"],
)

# Not authentication views, or not accepting POST:
app.add_url_rule("/login", view_func=login_form)
app.add_url_rule("/login-form", view_func=login_form, methods=["GET"])
app.add_url_rule("/search", view_func=search, methods=["POST"])
app.add_url_rule("/authors", "authors", search, methods=["POST"])
app.add_url_rule("/signin", view_func=login, methods=["POST"])  # noqa: FG501
