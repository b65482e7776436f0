from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    resp = make_response("ok")
    resp.set_cookie("token", "abc")  # want "FG104 This cookie is set without secure=True, httponly=True and samesite"
    resp.set_cookie("theme", "dark", secure=True, httponly=True, samesite="Lax")
    resp.set_cookie("pref", "1", secure=False, httponly=True, samesite="Strict")  # want "FG104 .*secure=True"
    resp.set_cookie(  # want "FG104"
        "long",
        "value",
        max_age=3600,
    )
    resp.set_cookie("flags", "x", samesite=None, secure=request.is_secure, httponly=True)  # want "FG104 .*samesite"
    options = {"secure": True, "httponly": True, "samesite": "Lax"}
    resp.set_cookie("splat", "x", **options)
    return resp


def test_cookie(client):
    client.set_cookie("session", "x")


@app.route("/logout")
def logout():
    resp = make_response("bye")
    resp.set_cookie("token", "", expires=0)
    return resp
