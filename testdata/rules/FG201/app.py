from flask import Flask, jsonify, redirect, request
from flask.views import MethodView
from flask_wtf import FlaskForm
from wtforms import StringField

app = Flask(__name__)  # want "FG201 4 views \(comment, remove, ItemAPI, upload\) accept state-changing requests without CSRF protection"


class CommentForm(FlaskForm):
    body = StringField("body")


class NoCSRFForm(FlaskForm):
    body = StringField("body")

    class Meta:
        csrf = False


@app.route("/comment", methods=["GET", "POST"])
def comment():
    form = NoCSRFForm()
    if form.validate_on_submit():
        return redirect("/")
    return "form"


@app.route("/edit", methods=["GET", "POST"])
def edit():
    form = CommentForm()
    if form.validate_on_submit():
        return redirect("/")
    return "form"


@app.delete("/items/<int:item_id>")
def remove(item_id):
    return "", 204


@app.post("/api/items")
def api_create():
    data = request.get_json()
    return jsonify(data)


@app.route("/search")
def search():
    return request.args.get("q", "")


class ItemAPI(MethodView):
    def get(self, item_id):
        return "item"

    def put(self, item_id):
        return request.form["name"]


app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))


def upload():
    return request.form["x"]


app.add_url_rule("/upload", "upload", upload, methods=["POST"])
