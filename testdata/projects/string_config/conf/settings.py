import os


class Config:  # want "FG101 Config never sets SESSION_COOKIE_SECURE" "FG103 Config never sets SESSION_COOKIE_SAMESITE"
    SECRET_KEY = os.environ["SECRET_KEY"]
    WEB_DEBUG = True
