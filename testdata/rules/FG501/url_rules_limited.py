"""A Limiter in the file: add_url_rule views and View classes, limited, exempt or fixed with it."""
from flask import Blueprint, Flask
from flask.views import MethodView, View
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from somewhere import ResourceBase

app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app)
url_bp = Blueprint("url_rules", __name__)
limiter.limit("10 per minute")(url_bp)


def login_required(f):
    return f


@limiter.limit("5 per minute")
def login():
    return "limited"


@limiter.exempt
def signin():
    return "exempt: reported without a fix, adding a limit would not help"


@login_required
def register():
    return "fixed with the file's limiter"


def bp_login():
    return "the blueprint is limited"


def issue_token():
    return "limited by limiter.limit(...)(issue_token)"


limiter.limit("5 per minute")(issue_token)


class LoginView(MethodView):
    decorators = [limiter.limit("5 per minute")]

    def post(self):
        return "limited by its decorators attribute"


class SignupView(MethodView):
    """Sign up: the fix adds a decorators attribute after the docstring."""

    def get(self):
        return "form"

    def post(self):
        return "created"


class PasswordResetView(MethodView):
    decorators = [login_required]

    def post(self):
        return "the fix extends the list"


class OtpView(View):
    methods = ["GET", "POST"]
    decorators = ()

    def dispatch_request(self):
        return "the fix fills the tuple"


class TotpView(MethodView):
    decorators = [limiter.exempt]

    def post(self):
        return "exempt"


class MfaView(MethodView):
    @limiter.limit("5 per minute")
    def post(self):
        return "a limit on the method handling POST counts"


class AuthBase(MethodView):
    decorators = [login_required]


class ChangePasswordView(AuthBase):
    def post(self):
        return "inherits its decorators: no fix (a new attribute would drop them)"


class ApiLoginView(ResourceBase):
    def post(self):
        return "a base from elsewhere may define decorators: no fix"


class SearchView(MethodView):
    def post(self):
        return "not authentication"


class LoginPageView(MethodView):
    def get(self):
        return "GET only"


class VerifyView(MethodView):
    def post(self):
        return "registered for GET only below"


app.add_url_rule("/login", view_func=login, methods=["POST"])
app.add_url_rule("/signin", view_func=signin, methods=["POST"])  # want "FG501"
app.add_url_rule("/register", view_func=register, methods=["POST"])  # want "FG501"
url_bp.add_url_rule("/login", view_func=bp_login, methods=["POST"])
app.add_url_rule("/token", view_func=issue_token, methods=["POST"])
app.add_url_rule("/api/login", view_func=LoginView.as_view("api_login"))
app.add_url_rule("/signup", view_func=SignupView.as_view("signup"))  # want "FG501"
app.add_url_rule("/reset", view_func=PasswordResetView.as_view("reset"))  # want "FG501"
app.add_url_rule("/otp", view_func=OtpView.as_view("otp"))  # want "FG501"
app.add_url_rule("/totp", view_func=TotpView.as_view("totp"))  # want "FG501"
app.add_url_rule("/mfa", view_func=MfaView.as_view("mfa"))
app.add_url_rule("/password", view_func=ChangePasswordView.as_view("password"))  # want "FG501"
app.add_url_rule("/api/v2/login", view_func=ApiLoginView.as_view("api_v2_login"))  # want "FG501"
app.add_url_rule("/search", view_func=SearchView.as_view("search"))
app.add_url_rule("/login-page", view_func=LoginPageView.as_view("login_page"))
app.add_url_rule("/verify", view_func=VerifyView.as_view("verify"), methods=["GET"])
