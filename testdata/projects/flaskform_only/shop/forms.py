from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField


class BaseForm(FlaskForm):
    pass


class OrderForm(BaseForm):
    item = StringField("item")
    quantity = IntegerField("quantity")


class ContactForm(FlaskForm):
    message = StringField("message")
