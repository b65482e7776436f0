"""A blueprint with no app and no limiter in the file: reported without a fix."""
from flask import Blueprint

bp = Blueprint("sso", __name__)


@bp.post("/sso/login")  # want "FG501"
def sso_login():
    return "ok"
