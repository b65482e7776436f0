from flask import Flask, session
from flask_wtf.csrf import CSRFProtect

from config import Config

app = Flask(__name__)
app.config.from_object(Config)
app.config["JWT_SECRET_KEY"] = "another-jwt-literal"
app.config["WEB_DEBUG"] = True
csrf = CSRFProtect(app)


@app.route("/", methods=["GET", "POST"])
def index():
    session["n"] = 1
    return "ok"


@app.after_request
def headers(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
