from flask import Flask, abort, request, session
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

guarded = Flask(__name__)
csrf.init_app(guarded)


@guarded.route("/save", methods=["POST"])
def save():
    return request.form["x"]


checked = Flask(__name__)


@checked.before_request
def check_csrf():
    if request.method == "POST":
        token = session.pop("_csrf_token", None)
        if not token or token != request.form.get("_csrf_token"):
            abort(403)


@checked.route("/save", methods=["POST"])
def checked_save():
    return request.form["x"]
