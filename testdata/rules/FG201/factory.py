from flask import Flask, request


def create_app():
    application = Flask(__name__)  # want "FG201 The view submit accepts"
    application.config["SECRET_KEY"] = "x"  # noqa: FG801

    @application.route("/submit", methods=["POST"])
    def submit():
        return request.form["x"]

    return application
