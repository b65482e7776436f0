"""Every POST view validates a Flask-WTF form (whose CSRF token protects
it) and there is no CSRFProtect: no FG201."""
import os

from flask import Flask

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["SECRET_KEY"],
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_SAMESITE="Lax",
)

from . import views  # noqa: E402,F401
