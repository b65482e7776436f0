"""A blog in the shape of the Flask Mega-Tutorial: a factory, a dict of
config classes, extensions in their own module, blueprints."""
from flask import Flask

from .config import config
from .extensions import csrf, login_manager


def create_app(config_name="default"):
    app = Flask(__name__)
    app.config.from_object(config[config_name])

    csrf.init_app(app)
    login_manager.init_app(app)

    from .auth import auth as auth_blueprint
    app.register_blueprint(auth_blueprint, url_prefix="/auth")

    from .main import main as main_blueprint
    app.register_blueprint(main_blueprint)

    @app.after_request
    def headers(response):
        response.headers["X-Frame-Options"] = "DENY"
        return response

    return app
