import flask
from flask import Flask, render_template_string, request
from markupsafe import escape

app = Flask(__name__)

PAGE = "<h1>Hello {{ name }}</h1>"


@app.route("/a")
def a():
    name = request.args.get("name", "")
    return render_template_string("<h1>Hello " + name + "</h1>")  # want "FG302 render_template_string\(\) compiles"


@app.route("/b")
def b():
    name = request.args.get("name", "")
    template = f"<h1>Hello {name}</h1>"
    return render_template_string(template)  # want "FG302"


@app.route("/c")
def c():
    return flask.render_template_string(request.args["t"])  # want "FG302"


@app.route("/d")
def d():
    tpl = "<p>%s</p>" % request.args.get("msg")
    return render_template_string(tpl)  # want "FG302"


@app.route("/e")
def e():
    # Escaping HTML does not stop template injection: {{ config }} survives it.
    msg = escape(request.args.get("m", ""))
    return render_template_string("<p>{}</p>".format(msg))  # want "FG302"


def render_snippet(source):
    return render_template_string(source)  # want "FG302"


@app.route("/ok1")
def ok1():
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args.get("name"))


@app.route("/ok2")
def ok2():
    return render_template_string(PAGE, name=request.args.get("name"))


@app.route("/ok3")
def ok3():
    tpl = "<p>{{ x }}</p>"
    if request.args.get("bold"):
        tpl = "<p><b>{{ x }}</b></p>"
    return render_template_string(tpl, x=request.args.get("x"))


@app.route("/ok4")
def ok4():
    return render_template_string(source="<p>{{ x }}</p>", x=1)


@app.route("/ok5")
def ok5():
    return render_template_string(
        "<ul>"
        "{% for i in items %}<li>{{ i }}</li>{% endfor %}"
        "</ul>",
        items=request.args.getlist("i"),
    )


@app.route("/ok6")
def ok6():
    # Not flask's function.
    from mytemplates import render_template_string as render

    return render(request.args["t"])
