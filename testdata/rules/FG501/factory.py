"""Views defined inside the factory: the Limiter goes after the app's creation there."""
from flask import Flask, request
from flask_login import login_user


def create_app():
    app = Flask(__name__)
    app.config.from_prefixed_env()

    @app.post("/auth")  # want "FG501"
    def auth():
        login_user(request.form["user"])
        return "ok"

    @app.route("/register", methods=["GET", "POST"])  # want "FG501"
    def register():
        return "ok"

    return app
