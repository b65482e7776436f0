import os

from flask import Flask


class DevConfig:
    DEBUG = True


class ProdConfig:  # want "FG101 ProdConfig never sets SESSION_COOKIE_SECURE"
    SESSION_COOKIE_SAMESITE = "Lax"


class StageConfig:
    SESSION_COOKIE_SECURE = True


configs = {"dev": DevConfig, "prod": ProdConfig, "stage": StageConfig}

# A literal key picks one class: StageConfig sets the cookie Secure.
keyed = Flask(__name__)
keyed.config.from_object(configs["stage"])


@keyed.route("/")
def keyed_index():
    return "keyed"


# Any class of the dict may be chosen at run time: each is checked.
chosen = Flask(__name__)
chosen.config.from_object(configs.get(os.environ.get("APP_ENV"), "prod"))


@chosen.route("/")
def chosen_index():
    return "chosen"
