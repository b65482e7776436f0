"""Environment imported alone: the fix imports select_autoescape."""
from jinja2 import Environment, PackageLoader

env = Environment(  # want "FG303"
    loader=PackageLoader("app")
)
