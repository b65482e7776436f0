class SecurityHeaders:
    """WSGI middleware adding headers to every response."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.append(("X-Frame-Options", "DENY"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
