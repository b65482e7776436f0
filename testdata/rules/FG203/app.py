from flask import Blueprint, Flask, request

from extensions import limiter, protect

app = Flask(__name__)
protect.init_app(app)
limiter.init_app(app)
api = Blueprint("api", __name__)
protect.exempt(api)  # want "FG203"


@app.route("/webhook", methods=["POST"])
@protect.exempt  # want "FG203 csrf.exempt turns CSRF protection off here"
def webhook():
    return request.get_data()


@app.route("/health")
@limiter.exempt
def health():
    return "ok"
