from flask import Flask
from werkzeug.debug import DebuggedApplication
import werkzeug.debug

app = Flask(__name__)
app.wsgi_app = DebuggedApplication(app.wsgi_app, evalex=True)  # want "FG403"
application = werkzeug.debug.DebuggedApplication(app)  # want "FG403"


def wrapped():
    return DebuggedApplication(app, evalex=False)  # want "FG403"
