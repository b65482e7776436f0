from flask import Flask


class DevelopmentConfig:
    DEBUG = True
    SESSION_COOKIE_SECURE = False


devapp = Flask(__name__)
devapp.config.from_object(DevelopmentConfig)


@devapp.route("/")
def index():
    return "dev"
