"""secure_filename is taken by a local helper import: the fix spells werkzeug's out."""
import os

from flask import request

from .helpers import secure_filename


def upload():
    f = request.files["file"]
    f.save(os.path.join("/srv/uploads", f.filename))  # want "FG601"
