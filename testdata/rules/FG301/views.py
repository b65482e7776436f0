"""Markup(request.args["q"]) in a docstring is not code."""
import flask
import markupsafe
from flask import Flask, Markup, request
from jinja2 import Markup as JMarkup

app = Flask(__name__)

GREETING = "<b>Welcome</b>"


def get_banner():
    return request.args.get("banner", "")


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    a = Markup(name)  # want "FG301 Markup\(\) marks its text as safe HTML"
    b = Markup(f"<b>{name}</b>")  # want "FG301"
    c = Markup("<b>" + name + "</b>")  # want "FG301"
    d = Markup("<b>%s</b>" % name)  # want "FG301"
    e = markupsafe.Markup("<b>{}</b>".format(name))  # want "FG301"
    f = JMarkup(get_banner())  # want "FG301"
    g = flask.Markup(  # want "FG301"
        request.args["g"]  # the finding starts on the call's first line
    )
    h = Markup(name)  # noqa: FG301
    return a + b + c + d + e + f + g + h


@app.route("/greeting/<who>")
def greeting(who):
    return Markup(who)  # want "FG301"


def render_rows(rows):
    out = ""
    for row in rows:
        out += "<tr><td>" + row + "</td></tr>"
    return Markup(out)  # want "FG301"


@app.route("/safe")
def safe():
    name = request.args.get("name", "")
    parts = [
        Markup("<b>static</b>"),
        Markup("<b>{}</b>").format(name),  # Markup.format escapes its arguments
        Markup("<b>%s</b>") % name,  # so does Markup's %
        Markup(GREETING),  # a module-level constant
        Markup(markupsafe.escape(name)),
        Markup(f"<i>{markupsafe.escape(name)}</i>"),
        Markup("<br>").join([name, name]),
        Markup("<span>%d items</span>" % len(name)),
        Markup("<p>" "implicitly " "concatenated</p>"),
    ]
    label = "<em>new</em>"
    parts.append(Markup(label))
    cleaned = markupsafe.escape(name)
    parts.append(Markup("<p>" + cleaned + "</p>"))
    for tag in ("b", "i"):
        parts.append(Markup(f"<{tag}>x</{tag}>"))
    parts.append(Markup("&nbsp;" * len(parts)))
    summary = Markup(request.form["body"]).striptags()  # plain text out
    return "".join(parts) + summary
