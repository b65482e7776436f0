"""The project's own decorators, and a limiter imported from another module."""
from flask import Blueprint

from .extensions import limiter
from .security import rate_limited, throttle

bp = Blueprint("accounts", __name__)


@bp.route("/forgot", methods=["POST"])
@rate_limited(5, per=60)
def forgot():
    return "ok"


@bp.post("/2fa")
@throttle("5/m")
def second_factor():
    return "ok"


@bp.post("/password")  # want "FG501"
def change_password():
    return "the fix uses the imported limiter"
