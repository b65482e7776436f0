from flask import Flask

api = Flask(__name__)  # want "FG701"
api.config.from_object("conf.api_settings")


@api.route("/")
def index():
    return "api"
