from flask import request, session

from .core import PortalApp

app = PortalApp(__name__)


@app.route("/upload", methods=["POST"])
def upload():
    session["last"] = request.files["doc"].filename
    return "ok"
