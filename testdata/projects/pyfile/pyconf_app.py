from flask import Flask

pyconf = Flask(__name__)
pyconf.config.from_pyfile("pyconf_settings.py")


@pyconf.route("/")
def index():
    return "pyconf"
