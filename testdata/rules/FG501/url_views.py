"""Views registered in url_routes.py: the findings are here, where the fix goes."""
from flask.views import MethodView

from .extensions import limiter


def change_password():  # want "FG501"
    return "ok"


class TokenView(MethodView):  # want "FG501"
    def post(self):
        return "token"


def profile():
    return "not authentication"
