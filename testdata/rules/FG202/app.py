import os

from flask import Flask

from config import configs

app = Flask(__name__)
app.config.from_object(configs[os.environ.get("APP_ENV", "production")])


@app.route("/")
def index():
    return "hello"


api = Flask(__name__)
api.config["WTF_CSRF_CHECK_DEFAULT"] = False  # want "FG202 WTF_CSRF_CHECK_DEFAULT = False"
api.config.update(WTF_CSRF_ENABLED=bool(os.environ.get("CSRF")))


@api.route("/")
def api_index():
    return "api"
