"""add_url_rule inside a factory: the Limiter goes after the app's creation there."""
from flask import Flask
from flask.views import MethodView
from flask_login import login_user


class LoginAPI(MethodView):
    def post(self):
        login_user(None)
        return "module-level class, app in the factory, no Limiter: no fix"


def create_app():
    app = Flask(__name__)
    app.config.from_prefixed_env()

    def auth():
        return "ok"

    class RegisterView(MethodView):
        def post(self):
            return "ok"

    app.add_url_rule("/auth", view_func=auth, methods=["POST"])  # want "FG501"
    app.add_url_rule("/register", view_func=RegisterView.as_view("register"))  # want "FG501"
    app.add_url_rule("/api/login", view_func=LoginAPI.as_view("api_login"))  # want "FG501"
    return app
