from flask import Flask

web = Flask(__name__)
web.config.update(
    SESSION_COOKIE_SECURE=False,  # want "FG101 SESSION_COOKIE_SECURE = False"
    SESSION_COOKIE_SAMESITE="Lax",
)


@web.route("/")
def index():
    return "falsy"
