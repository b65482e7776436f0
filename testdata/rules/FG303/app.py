import jinja2
from flask import Flask
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

app = Flask(__name__)
app.jinja_env.autoescape = False  # want "FG303 Setting jinja_env.autoescape to False"
app.jinja_options = {**app.jinja_options, "autoescape": False}  # want "FG303 jinja_options"
app.jinja_options["autoescape"] = 0  # want "FG303"
app.jinja_options.update(autoescape=None)  # want "FG303"
app.jinja_options = dict(app.jinja_options, trim_blocks=True)

env = Environment(loader=FileSystemLoader("templates"), autoescape=False)  # want "FG303 This Jinja Environment has autoescape=False"
bare = Environment(loader=FileSystemLoader("templates"))  # want "FG303 A Jinja Environment created without autoescape="
empty = jinja2.Environment()  # want "FG303"
sandbox = SandboxedEnvironment(  # want "FG303"
    loader=FileSystemLoader("templates"),
    trim_blocks=True,
)
inline = Environment(loader=FileSystemLoader("mail"),  # want "FG303"
                     trim_blocks=True)

# Not reported: autoescape on, or decided at run time.
ok1 = Environment(loader=FileSystemLoader("templates"), autoescape=True)
ok2 = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
ok3 = Environment(**app.jinja_options)
ok4 = Environment(autoescape=app.config.get("AUTOESCAPE", True))
app.jinja_env.autoescape = True
app.jinja_env.autoescape = select_autoescape()
env.autoescape = False  # not the app's jinja_env: only Environment(...) calls are judged
jinja_config = {"autoescape": False}  # a dict that is not jinja_options
