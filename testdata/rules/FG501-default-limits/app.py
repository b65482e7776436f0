"""Default limits in another file of the project apply to every view."""
from flask import Flask

from .extensions import limiter
from .views import bp

app = Flask(__name__)
limiter.init_app(app)
app.register_blueprint(bp)


@app.post("/login")
def login():
    return "limited by default_limits"


@app.post("/token")  # want "FG501"
@limiter.exempt
def token():
    return "exempt from the default limits"


@limiter.exempt
def verify_otp():
    return "exempt from the default limits"


def reset_password():
    return "limited by default_limits"


app.add_url_rule("/otp", view_func=verify_otp, methods=["POST"])  # want "FG501"
app.add_url_rule("/reset", view_func=reset_password, methods=["POST"])
