"""A module without import os."""
from flask import Flask

other = Flask(__name__)
other.secret_key = "one"  # want "FG801"
other.config["SECRET_KEY"] = "two"  # want "FG801"
