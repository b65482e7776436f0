from flask import Flask
from werkzeug.serving import run_simple


class MyApp(Flask):
    pass


def create_app(config=None):
    application = MyApp(__name__)
    return application


def main():
    app = create_app()
    app.run(debug=True)  # want "FG401"
    run_simple("localhost", 5000, app, use_reloader=True, use_debugger=True)  # want "FG401"


class Worker:
    def run(self, debug=False):
        pass


worker = Worker()
worker.run(debug=True)


def not_an_app(app):
    app.run(debug=True)
