import flask
from flask import Flask as F
from flask_wtf.csrf import CSRFProtect
from werkzeug.debug import DebuggedApplication
a = flask.Flask(__name__)
b = F("b", instance_relative_config=True)
b.config.from_pyfile("settings.cfg")
b.config.update(SESSION_COOKIE_SECURE=False, SESSION_COOKIE_HTTPONLY=False, SESSION_COOKIE_SAMESITE=None, WTF_CSRF_ENABLED=False)
csrf = CSRFProtect()
@csrf.exempt
@a.route("/login", methods=["POST"])
def login():
    f = flask.request.files["f"]
    f.save("/tmp/" + f.filename)
    resp = flask.make_response(flask.render_template_string(flask.request.args["t"]))
    resp.set_cookie("s", "v")
    return flask.Markup("<b>%s</b>" % flask.request.args["n"])
a.wsgi_app = DebuggedApplication(a.wsgi_app, evalex=True)
a.secret_key = "hard-coded"
a.jinja_env.autoescape = False
a.run("0.0.0.0", 5000, True)
