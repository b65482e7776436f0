"""More names and bodies of authentication views; ratelimit's decorator."""
from flask import Flask, request
from flask_bcrypt import Bcrypt
from ratelimit import limits

app = Flask(__name__)
bcrypt = Bcrypt(app)


@app.post("/logon")  # want "FG501"
def logon():
    return "ok"


@app.route("/sign-in", methods=["POST"])  # want "FG501"
def sign_in_view():
    return "ok"


@app.route("/api/passwd", methods=["POST"])  # want "FG501"
def change():
    return "ok"


@app.route("/recover", methods=["POST"])  # want "FG501"
def recover_account():
    return "ok"


@app.route("/mfa/confirm", methods=["POST"])  # want "FG501"
def confirm():
    return "ok"


@app.route("/session", methods=["POST"])  # want "FG501"
def open_session():
    user = find_user(request.form["email"])
    if bcrypt.check_password_hash(user.password, request.form["password"]):
        return "ok"
    return "no", 401


@app.route("/api/check", methods=["POST"])  # want "FG501"
def check():
    return {"ok": verify_password(request.json["user"], request.json["secret"])}


@app.route("/api/login", methods=["POST"])
@limits(calls=5, period=60)
def api_login():
    return "ratelimit's @limits counts"


@app.route("/api/pin", methods=["POST"])
@ratelimit(key="ip", rate="5/m")
def pin_login():
    return "a decorator named ratelimit counts"


def find_user(email):
    return None


def verify_password(user, secret):
    return False


def ratelimit(**kw):
    return lambda f: f
