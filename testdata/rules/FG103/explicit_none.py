from flask import Flask

site = Flask(__name__)
site.config.from_mapping(
    SESSION_COOKIE_SAMESITE=None,  # want "FG103 SESSION_COOKIE_SAMESITE = None"
)


@site.route("/")
def index():
    return "site"


other = Flask(__name__)
other.config.setdefault("SESSION_COOKIE_SAMESITE", "None")  # want "FG103"


@other.route("/")
def other_index():
    return "other"


strict = Flask(__name__)
strict.config["SESSION_COOKIE_SAMESITE"] = "Strict"


@strict.route("/")
def strict_index():
    return "strict"
