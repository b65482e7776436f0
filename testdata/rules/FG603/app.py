import imghdr
import os
import uuid

from flask import Flask, abort, request
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.config["UPLOAD_FOLDER"] = "/srv/uploads"
ALLOWED_EXTENSIONS = {"png", "jpg", "pdf"}


def allowed_file(filename):
    return "." in filename and filename.rsplit(".", 1)[1].lower() in ALLOWED_EXTENSIONS


@app.route("/a", methods=["POST"])
def a():
    f = request.files["doc"]
    filename = secure_filename(f.filename)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], filename))  # want "FG603 The upload is saved without checking its file name's extension"
    return "ok"


@app.route("/b", methods=["POST"])
def b():
    for f in request.files.getlist("photos"):
        if f.filename == "":
            abort(400)
        f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))  # want "FG603"
    return "ok"


@app.route("/c", methods=["POST"])
def c():
    f = request.files.get("doc")
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], f.filename))  # want "FG601" "FG603"
    return "ok"


@app.route("/ok1", methods=["POST"])
def ok1():
    f = request.files["doc"]
    if not allowed_file(f.filename):
        abort(400)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
    return "ok"


@app.route("/ok2", methods=["POST"])
def ok2():
    f = request.files["doc"]
    filename = secure_filename(f.filename)
    if os.path.splitext(filename)[1].lower() not in (".png", ".jpg"):
        abort(400)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], filename))
    return "ok"


@app.route("/ok3", methods=["POST"])
def ok3():
    f = request.files["doc"]
    if not f.filename.lower().endswith((".png", ".jpg")):
        abort(400)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
    return "ok"


@app.route("/ok4", methods=["POST"])
def ok4():
    f = request.files["doc"]
    ext = f.filename.rsplit(".", 1)[-1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        abort(400)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], uuid.uuid4().hex + "." + ext))
    return "ok"


@app.route("/ok5", methods=["POST"])
def ok5():
    f = request.files["doc"]
    if imghdr.what(f.stream) is None:
        abort(400)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
    return "ok"


@app.route("/ok6", methods=["POST"])
def ok6():
    # The stored name ignores the client's: the extension is ours.
    f = request.files["doc"]
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], uuid.uuid4().hex + ".png"))
    return "ok"


def is_allowed(filename):
    return filename.lower().endswith((".png", ".jpg"))


@app.route("/ok8", methods=["POST"])
def ok8():
    f = request.files["doc"]
    if is_allowed(f.filename):
        f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
    return "ok"


@app.route("/ok7", methods=["POST"])
def ok7():
    f = request.files["doc"]
    filename = secure_filename(f.filename)
    f.save(os.path.join(app.config["UPLOAD_FOLDER"], filename))  # noqa: FG603
    return "ok"
