import tomllib

from flask import Flask

tomlapp = Flask(__name__)
tomlapp.config.from_file("config.toml", load=tomllib.load, text=False)


@tomlapp.route("/")
def index():
    return "toml"
