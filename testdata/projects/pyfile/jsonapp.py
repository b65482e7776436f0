import json

from flask import Flask

jsonapp = Flask(__name__)
jsonapp.config.from_file("config.json", load=json.load)  # want "FG103 SESSION_COOKIE_SAMESITE = None .*\(in config.json\)"


@jsonapp.route("/")
def index():
    return "json"
