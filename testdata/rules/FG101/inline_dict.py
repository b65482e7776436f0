from flask import Flask

compact = Flask(__name__)  # want "FG101"
compact.config.update({"SESSION_COOKIE_SAMESITE": "Strict"})


@compact.route("/")
def index():
    return "compact"
