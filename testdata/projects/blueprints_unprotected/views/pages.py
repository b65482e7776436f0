from flask import Blueprint, request

pages = Blueprint("pages", __name__)


@pages.route("/pages/<slug>/publish", methods=["PUT", "POST"])
def publish(slug):
    return request.form.get("title", slug)


@pages.route("/pages/<slug>")
def show(slug):
    return slug
