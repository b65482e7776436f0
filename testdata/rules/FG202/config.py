class Config:
    CSRF_ENABLED = False  # a look-alike: not Flask-WTF's setting


class ProductionConfig(Config):
    WTF_CSRF_ENABLED = False  # want "FG202 WTF_CSRF_ENABLED = False turns Flask-WTF's CSRF protection off"


class TestingConfig(Config):
    WTF_CSRF_ENABLED = False


class CIConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False


class NeverLoaded(Config):
    WTF_CSRF_ENABLED = False


configs = {"production": ProductionConfig, "testing": TestingConfig, "ci": CIConfig}
