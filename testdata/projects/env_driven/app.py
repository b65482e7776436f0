import os

from flask import Flask, request, session
from flask_wtf.csrf import CSRFProtect

from settings import Config

app = Flask(__name__)
app.config.from_object(Config)
app.config.from_prefixed_env()
app.secret_key = os.environ.get("SECRET_KEY") or os.urandom(32)
CSRFProtect(app)


@app.after_request
def headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@app.route("/upload", methods=["POST"])
def upload():
    session["name"] = request.files["f"].filename
    return "ok"


if __name__ == "__main__":
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
