from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField


class LoginForm(FlaskForm):
    email = StringField("Email")
    password = PasswordField("Password")
    remember_me = BooleanField("Keep me logged in")

    def user(self):
        return None
