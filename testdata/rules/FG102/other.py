from flask import Flask


class Settings:
    SESSION_COOKIE_HTTPONLY = False  # want "FG102"


class TestSettings(Settings):
    pass


site = Flask(__name__)
site.config.from_object(Settings)


@site.route("/")
def index():
    return "site"


tests = Flask(__name__)
tests.config.from_object(TestSettings)


@tests.route("/")
def tested():
    return "tests"
