"""from_object with strings naming a class, an instance and a module; a
config module imported but never loaded."""
from flask import Flask, session

import legacy_settings  # noqa: F401  imported, never loaded: its values do not count

site = Flask(__name__)  # want "FG701"
site.config.from_object("conf.settings.Config")


@site.route("/")
def index():
    session["visits"] = session.get("visits", 0) + 1
    return str(session["visits"])
