from flask import Blueprint

bp = Blueprint("views", __name__)


@bp.route("/signin", methods=["POST"])
def signin():
    return "limited by default_limits, set in extensions.py"


def register():
    return "limited by default_limits"


bp.add_url_rule("/register", view_func=register, methods=["POST"])
