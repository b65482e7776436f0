import os
from flask import Flask

app = Flask(__name__)
app.debug = True  # want "FG402"
app.config["DEBUG"] = True  # want "FG402"
app.config.update(DEBUG=True, TESTING=False)  # want "FG402"
app.config.update({"SECRET": "x", "DEBUG": 1})  # want "FG402"
app.config.from_mapping(dict(DEBUG=True))  # want "FG402"
app.config["DEBUG"] = os.environ.get("DEBUG") == "1"
app.config["WEB_DEBUG"] = True
app.config["DEBUG"] = False


class Config:
    DEBUG = True  # want "FG402"
    WEB_DEBUG = True


class ProductionConfig(Config):
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    DEBUG = True


class Settings:
    DEBUG = ENV == "development"


class Server(Flask):
    def __init__(self, name):
        super().__init__(name)
        self.config["DEBUG"] = True  # want "FG402"


class Other:
    def __init__(self):
        self.config = {}
        self.config["DEBUG"] = True
