from flask import Flask

later = Flask(__name__)
later.config["SESSION_COOKIE_SECURE"] = False
later.config["SESSION_COOKIE_SECURE"] = True


@later.route("/")
def index():
    return "later"
