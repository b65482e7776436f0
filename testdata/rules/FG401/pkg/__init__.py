from flask import Flask

web = Flask(__name__)
