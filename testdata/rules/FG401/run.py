from pkg import web
from tasks import queue

if __name__ == "__main__":
    web.run(debug=True)  # want "FG401"
    queue.run(debug=True)
