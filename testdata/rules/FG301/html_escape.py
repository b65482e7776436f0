from html import escape

from markupsafe import Markup


def cell(value):
    # html.escape already escapes: not reported.
    return Markup("<td>" + escape(value) + "</td>")


def raw(value):
    # "escape" is html.escape here: the fix uses markupsafe.escape instead.
    return Markup(value)  # want "FG301"
