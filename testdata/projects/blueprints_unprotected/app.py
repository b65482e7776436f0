"""Blueprints in other files with POST views and no CSRF protection: FG201
on the app, the views as related information."""
import os

from flask import Flask

from views.admin import admin
from views.api import api
from views.pages import pages

app = Flask(__name__)  # want "FG201 3 views \(delete_user, update_settings, publish\) accept state-changing requests"
app.config.from_mapping(
    SECRET_KEY=os.environ["SECRET_KEY"],
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_SAMESITE="Lax",
)
app.register_blueprint(admin, url_prefix="/admin")
for blueprint in (api, pages):
    app.register_blueprint(blueprint)


@app.after_request
def headers(response):
    response.headers["X-Frame-Options"] = "DENY"
    return response
