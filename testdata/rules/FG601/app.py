import os
import uuid
from pathlib import Path

from flask import Flask, abort, request
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = "/srv/uploads"
# An allow-list in the config: FG603 stays silent in this project.
app.config["UPLOAD_EXTENSIONS"] = [".png", ".jpg", ".pdf"]
UPLOAD_DIR = Path("/srv/uploads")


@app.route("/a", methods=["POST"])
def a():
    f = request.files["doc"]
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], f.filename))  # want "FG601 The upload is saved under a path built from its client-supplied filename"
    return "ok"


@app.route("/b", methods=["POST"])
def b():
    f = request.files.get("doc")
    if f is None:
        abort(400)
    name = f.filename
    path = os.path.join(app.config["UPLOAD_FOLDER"], name)
    f.save(path)  # want "FG601"
    return "ok"


@app.route("/c", methods=["POST"])
def c():
    for f in request.files.getlist("photos"):
        f.save(UPLOAD_DIR / f.filename)  # want "FG601"
    return "ok"


@app.route("/d", methods=["POST"])
def d():
    request.files["doc"].save(f"/srv/uploads/{request.files['doc'].filename.lower()}")  # want "FG601"
    return "ok"


@app.route("/e", methods=["POST"])
def e():
    f = request.files["doc"]
    stem, ext = os.path.splitext(f.filename)
    f.save(os.path.join("/srv/uploads", stem + "-" + uuid.uuid4().hex + ext))  # want "FG601"
    return "ok"


@app.route("/f", methods=["POST"])
def f_():
    for field, upload in request.files.items():
        upload.save(dst="/srv/uploads/%s" % upload.filename)  # want "FG601"
    return "ok"


def store(upload: FileStorage) -> str:
    target = "/srv/uploads/" + upload.filename
    upload.save(target)  # want "FG601"
    return target


@app.route("/ok1", methods=["POST"])
def ok1():
    f = request.files["doc"]
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
    return "ok"


@app.route("/ok2", methods=["POST"])
def ok2():
    f = request.files["doc"]
    name = f.filename
    name = secure_filename(name)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], name))
    return "ok"


@app.route("/ok3", methods=["POST"])
def ok3():
    f = request.files["doc"]
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], uuid.uuid4().hex + os.path.splitext(f.filename)[1]))
    return "ok"


@app.route("/ok4", methods=["POST"])
def ok4():
    # Not an upload: a PIL image has .filename and .save too.
    img = Image.open("/srv/static/logo.png")
    img.save(os.path.join("/srv/thumbs", img.filename))
    return "ok"


@app.route("/ok5", methods=["POST"])
def ok5():
    f = request.files["doc"]
    ext = f.filename.rsplit(".", 1)[1].lower()
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], f"{uuid.uuid4().hex}.{ext}"))
    return "ok"


@app.route("/ok6", methods=["POST"])
def ok6():
    f = request.files["doc"]
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], f.filename))  # noqa: FG601
    return "ok"
