import os


class AdminSettings:
    def __init__(self):
        self.SECRET_KEY = os.environ["ADMIN_SECRET_KEY"]
        self.SESSION_COOKIE_SECURE = True
        self.SESSION_COOKIE_SAMESITE = "Strict"


settings = AdminSettings()
