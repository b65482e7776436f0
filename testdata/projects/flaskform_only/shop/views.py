from flask import redirect, render_template, url_for
from flask.views import MethodView

from . import app
from .forms import ContactForm, OrderForm


@app.route("/order", methods=["GET", "POST"])
def order():
    form = OrderForm()
    if form.validate_on_submit():
        return redirect(url_for("index"))
    return render_template("order.html", form=form)


@app.post("/contact")
def contact():
    if ContactForm().validate_on_submit():
        return redirect(url_for("index"))
    return "invalid", 400


class ProfileView(MethodView):
    def get(self):
        return render_template("profile.html", form=ContactForm())

    def post(self):
        form = ContactForm()
        if not form.validate():
            return "invalid", 400
        return redirect(url_for("index"))


app.add_url_rule("/profile", view_func=ProfileView.as_view("profile"))


@app.route("/")
def index():
    response = render_template("index.html")
    return response


@app.after_request
def security_headers(response):
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response
