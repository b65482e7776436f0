from flask import Flask
from flask_talisman import Talisman

# Flask-Talisman marks the session cookie Secure itself.
guarded = Flask(__name__)
Talisman(guarded)


@guarded.route("/")
def index():
    return "guarded"
