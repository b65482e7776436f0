"""A blueprint with secure_filename imported under another name."""
import os

import flask
from werkzeug.utils import secure_filename as safe_name

bp = flask.Blueprint("files", __name__)


@bp.post("/upload")
def upload():
    f = flask.request.files["file"]
    filename = f.filename
    f.save(os.path.join("/srv/uploads", filename))  # want "FG601"
    f.save(os.path.join("/srv/backup", filename))  # want "FG601"
    return "ok"
