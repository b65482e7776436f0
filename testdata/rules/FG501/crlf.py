from flask import Flask

app = Flask(__name__)


@app.post("/login")  # want "FG501"
def login():
    return "ok"
