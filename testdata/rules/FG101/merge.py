import os

from flask import Flask

merged = Flask(__name__)  # want "FG101"
merged.config.update(
    SECRET_KEY=os.environ["SECRET_KEY"],
    SESSION_COOKIE_HTTPONLY=True
)


@merged.route("/")
def index():
    return "merge"
