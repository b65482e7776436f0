from flask import render_template, request

from . import main


@main.route("/")
def index():
    return render_template("index.html")


@main.route("/post", methods=["POST"])
def post():
    return render_template("post.html", body=request.form["body"])
