"""A class that is only called Markup is not markupsafe's."""
from myhtml import Markup
from markupsafe import Markup as M, escape


def render(value):
    return Markup(value)


def twice(value):
    # escape is already imported: the fix reuses it.
    return M(value)  # want "FG301"


def parts(values):
    # A generator is not text: nothing to judge.
    return M(v for v in values)
