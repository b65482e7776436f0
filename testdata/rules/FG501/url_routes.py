"""Registers views of url_views.py (reported there)."""
from flask import Blueprint

from .url_views import TokenView, change_password, profile

accounts = Blueprint("url_accounts", __name__)
accounts.add_url_rule("/password", view_func=change_password, methods=["POST"])
accounts.add_url_rule("/token", view_func=TokenView.as_view("token"))
accounts.add_url_rule("/profile", view_func=profile, methods=["POST"])
