from flask import Flask, request

limited = Flask(__name__)
limited.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024


@limited.route("/avatar", methods=["POST"])
def avatar():
    return str(len(request.files["avatar"].read()))


unlimited = Flask(__name__)
unlimited.config["MAX_CONTENT_LENGTH"] = None  # want "FG602 MAX_CONTENT_LENGTH = None"


@unlimited.route("/doc", methods=["POST"])
def doc():
    return str(len(request.files["doc"].read()))
