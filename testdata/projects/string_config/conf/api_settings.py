from .common import *  # noqa: F403

SESSION_COOKIE_SAMESITE = None  # want "FG103 SESSION_COOKIE_SAMESITE = None"
