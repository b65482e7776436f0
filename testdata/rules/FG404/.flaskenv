# Development settings for "flask run"
FLASK_APP=app.py
FLASK_DEBUG=1 # want "FG404 FLASK_DEBUG in .flaskenv turns on debug mode"
