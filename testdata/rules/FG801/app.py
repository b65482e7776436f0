import os

from flask import Flask

app = Flask(__name__)
app.secret_key = "hunter2"  # want "FG801"
app.config["SECRET_KEY"] = "abc"  # want "FG801"
app.config.update(SECRET_KEY="x" "y", DEBUG=False)  # want "FG801"
app.config.from_mapping({"SECRET_KEY": "from-mapping"})  # want "FG801"
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
app.config["SECRET_KEY"] = os.getenv("FLASK_SECRET") or "dev-only"  # want "FG801 .*falls back"
app.config["SECRET_KEY"] = ""
app.config["JWT_SECRET_KEY"] = "jwt"


def configure(application):
    application.secret_key = "in-a-helper"  # want "FG801"
