from flask import Flask

app = Flask(__name__)


def half_written(:
    return


print "python 2 syntax"

if __name__ == "__main__":
    app.run(debug=True)  # want "FG401"
