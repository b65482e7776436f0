import os

from flask import Flask

# Values read from the environment are set externally: never "missing".
envapp = Flask(__name__)
envapp.config["SESSION_COOKIE_SECURE"] = os.environ.get("HTTPS") == "1"


@envapp.route("/")
def index():
    return "env"


fromenv = Flask(__name__)
fromenv.config.from_envvar("APP_SETTINGS")
fromenv.config.from_prefixed_env()


@fromenv.route("/")
def other():
    return "env"
