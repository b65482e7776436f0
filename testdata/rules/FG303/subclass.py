"""A Flask subclass declaring its Jinja options."""
import jinja2 as j2
from flask import Flask


class MyApp(Flask):
    jinja_options = dict(Flask.jinja_options, autoescape=False)  # want "FG303"


class OtherApp(Flask):
    jinja_options = {"extensions": ["jinja2.ext.do"], "autoescape": False}  # want "FG303"


def make_env(loader):
    return j2.Environment(loader=loader)  # want "FG303"


def make_text_env(loader):
    # Plain-text e-mail templates: autoescape deliberately off, and said so.
    return j2.Environment(loader=loader, autoescape=False)  # noqa: FG303
