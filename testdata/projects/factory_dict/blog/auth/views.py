from flask import flash, redirect, render_template, url_for
from flask_login import login_user, logout_user

from . import auth
from .forms import LoginForm


@auth.route("/login", methods=["GET", "POST"])  # want "FG501"
def login():
    form = LoginForm()
    if form.validate_on_submit():
        login_user(form.user(), remember=form.remember_me.data)
        return redirect(url_for("main.index"))
    flash("Invalid username or password.")
    return render_template("auth/login.html", form=form)


@auth.route("/logout")
def logout():
    logout_user()
    return redirect(url_for("main.index"))
