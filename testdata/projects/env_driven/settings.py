"""Every setting comes from the environment: set externally, never
"hard-coded" nor "missing"."""
import os

ENV = os.environ.get("FLASK_ENV", "production")


class Config:
    SECRET_KEY = os.environ["SECRET_KEY"]
    DEBUG = ENV == "development"
    TESTING = bool(os.getenv("TESTING"))
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    SESSION_COOKIE_HTTPONLY = os.getenv("HTTPONLY") != "0"
    SESSION_COOKIE_SAMESITE = os.environ.get("SAMESITE", "Lax")
    WTF_CSRF_ENABLED = os.environ.get("CSRF", "on") == "on"
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD", 1 << 20))
