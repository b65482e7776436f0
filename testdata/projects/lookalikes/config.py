"""Names that only look like the settings the rules check."""
import os


class Config:
    SECRET_KEY = os.environ["SECRET_KEY"]
    SECRET_KEY_HMAC = "hmac-key-literal"
    JWT_SECRET_KEY = "jwt-key-literal"
    WTF_CSRF_SECRET_KEY = "csrf-key-literal"
    CSRF_ENABLED = False
    WEB_DEBUG = True
    DEBUG_TB_ENABLED = False
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE_PROXY = False
    REMEMBER_COOKIE_DURATION = 3600
