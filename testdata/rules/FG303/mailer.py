"""Environment imported alone: the fix imports select_autoescape."""
from jinja2 import Environment, PackageLoader

env = Environment(  # want "FG303"
    loader=PackageLoader("app")
)

# Not calls flaskguard can read: a generator as the only argument.
odd = Environment(loader for loader in [PackageLoader("app")])
