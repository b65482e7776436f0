from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

protect = CSRFProtect()
limiter = Limiter(get_remote_address)
