import os

from flask import Flask, request
from werkzeug.utils import secure_filename


def create_app():
    app = Flask(__name__)  # want "FG602 The app never sets MAX_CONTENT_LENGTH although the app accepts file uploads"
    app.config.from_mapping(
        UPLOAD_FOLDER="/srv/uploads",
    )
    app.register_blueprint(make_views())
    return app


def make_views():
    from flask import Blueprint

    bp = Blueprint("files", __name__)

    @bp.route("/upload", methods=["POST"])
    def upload():
        f = request.files["file"]
        f.save(os.path.join("/srv/uploads", secure_filename(f.filename)))
        return "ok"

    return bp
