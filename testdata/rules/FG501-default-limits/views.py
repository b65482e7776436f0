from flask import Blueprint

bp = Blueprint("views", __name__)


@bp.route("/signin", methods=["POST"])
def signin():
    return "limited by default_limits, set in extensions.py"
