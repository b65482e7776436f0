from flask import Blueprint, redirect, request

admin = Blueprint("admin", __name__)
settings = Blueprint("settings", __name__)
admin.register_blueprint(settings, url_prefix="/settings")


@admin.route("/users/<int:user_id>/delete", methods=["POST"])
def delete_user(user_id):
    return redirect("/admin")


@settings.route("/", methods=["GET", "POST"])
def update_settings():
    if request.method == "POST":
        return request.form["theme"]
    return "settings"
