class BaseConfig:
    SESSION_COOKIE_HTTPONLY = 0  # overridden by the app: not the effective value
    SESSION_COOKIE_SECURE = True


class UnusedConfig:
    # Never loaded into an app: its values do not count.
    SESSION_COOKIE_HTTPONLY = False
