"""A view defined above the app: a Limiter created after the app would not exist yet when its decorator runs, so no fix."""
from flask import Flask


def login():
    return "defined before the app"


app = Flask(__name__)
app.add_url_rule("/login", view_func=login, methods=["POST"])  # want "FG501"
