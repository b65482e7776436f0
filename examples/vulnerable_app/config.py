class Config:
    SECRET_KEY = "change-me"
    DEBUG = True


class ProductionConfig(Config):
    SESSION_COOKIE_HTTPONLY = False


class DevelopmentConfig(Config):
    DEBUG = True
