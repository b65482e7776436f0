"""A Limiter in the file: views limited on their own or through their blueprint."""
from flask import Blueprint, Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app)
csrf = CSRFProtect(app)
auth_bp = Blueprint("auth", __name__)
limiter.limit("10 per minute")(auth_bp)


@app.route("/login", methods=["POST"])
@limiter.limit("5 per minute")
def login():
    return "ok"


@app.post("/otp")
@limiter.shared_limit("10/hour", scope="auth")
def otp():
    return "ok"


@app.post("/signin")  # want "FG501"
@limiter.exempt
def signin():
    return "exempt: reported, and adding a limit would not help"


@app.post("/signup")  # want "FG501"
@csrf.exempt
def signup():
    return "csrf.exempt is not a rate limit"


@app.route("/verify", methods=["GET", "POST"])  # want "FG501"
@app.route("/verify/<code>", methods=["GET", "POST"])
def verify(code=None):
    return "the limit goes under the last route decorator"


@auth_bp.route("/login", methods=["POST"])
def bp_login():
    return "the blueprint is limited"
