import os


class Config:
    SECRET_KEY = "s3cr3t-k3y"  # want "FG801 SECRET_KEY is hard-coded"
    JWT_SECRET_KEY = "not-the-session-key"
    WTF_CSRF_SECRET_KEY = "another-look-alike"
    SECRET_KEY_HMAC = "and-another"


class DevelopmentConfig(Config):
    SECRET_KEY = "dev"


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "fallback")  # want "FG801 SECRET_KEY falls back to a hard-coded value"


SECRET_KEY = b"\x01\x02module-level"  # want "FG801"
