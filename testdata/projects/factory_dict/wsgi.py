import os

from blog import create_app

app = create_app(os.getenv("FLASK_CONFIG") or "default")
# A write on the factory's result counts for the app in every configuration.
app.config["REMEMBER_COOKIE_SECURE"] = True
