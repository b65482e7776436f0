from flask import Flask

# The instance folder is not part of the project (it holds the deployment's
# secrets): what it sets is unknown, so nothing is reported.
inst = Flask(__name__, instance_relative_config=True)
inst.config.from_pyfile("config.py", silent=True)


@inst.route("/")
def index():
    return "instance"
