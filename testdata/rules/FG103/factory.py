from flask import Flask


class ProductionConfig:  # want "FG103 ProductionConfig never sets SESSION_COOKIE_SAMESITE"
    SESSION_COOKIE_SECURE = True


def create_app():
    application = Flask(__name__)
    application.config.from_object(ProductionConfig)

    @application.route("/")
    def index():
        return "factory"

    return application
