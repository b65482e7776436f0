import os
import flask
from flask import Flask as F

first = flask.Flask(__name__)
second = F("second")
first.run(host="127.0.0.1", debug=True, port=5000)  # want "FG401"
second.run(
    port=8000,
    use_debugger=1,  # want "FG401"
)
first.run(debug=False)
first.run(debug=os.environ.get("FLASK_DEBUG") == "1")
second.run(debug=True)  # noqa: FG401
second.run(debug=True)  # nosec
second.run(debug=True)  # noqa: FG802  # want "FG401"
