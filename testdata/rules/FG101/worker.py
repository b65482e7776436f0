from flask import Flask

# An app without routes (a worker's, a script's) serves no cookies.
worker = Flask(__name__)
worker.app_context().push()
