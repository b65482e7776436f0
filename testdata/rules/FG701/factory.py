from flask import Flask


def create_app():
    application = Flask(__name__)  # want "FG701"
    application.config.from_mapping(DEBUG=False)
    application.add_url_rule("/", "index", index)
    return application


def index():
    return "factory"
