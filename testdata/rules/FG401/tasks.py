class Queue:
    def run(self, debug=False):
        return debug


queue = Queue()
