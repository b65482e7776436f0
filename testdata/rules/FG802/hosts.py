from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080)  # want "FG802"
    app.run("::")  # want "FG802"
    app.run(host="127.0.0.1")
    app.run(host=HOST)
