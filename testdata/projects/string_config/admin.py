from flask import Flask

admin = Flask(__name__)  # want "FG701"
admin.config.from_object("conf.admin_settings:settings")


@admin.route("/")
def index():
    return "admin"
