from flask import Flask, request, Markup
app = Flask(__name__
app.run(debug=True
@app.route("/x"
def v(:
    return Markup(request.args["q"]
class C(
    DEBUG = True
