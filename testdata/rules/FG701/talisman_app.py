from flask import Flask
from flask_talisman import Talisman

site = Flask(__name__)
talisman = Talisman(site, content_security_policy=None)


@site.route("/")
def index():
    return "site"
