from flask import Blueprint, jsonify, request

api = Blueprint("api", __name__, url_prefix="/api")


@api.post("/items")
def create_item():
    # JSON only: a cross-site form cannot send it without a CORS preflight.
    return jsonify(request.get_json())
