"""A Flask subclass that configures itself in __init__ (the pattern of
Redash, Superset and others)."""
from flask import Flask
from flask_wtf.csrf import CSRFProtect


class PortalApp(Flask):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config.from_object("portal.settings")
        self.config["SESSION_COOKIE_SAMESITE"] = "Lax"
        CSRFProtect(self)

    def add_headers(self, response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
