from flask import Flask, session

app = Flask(__name__)
app.config.from_pyfile("settings.cfg")  # want "FG101 SESSION_COOKIE_SECURE = False .*\(in settings.cfg\)"


@app.route("/")
def index():
    session["seen"] = True
    return "hello"
