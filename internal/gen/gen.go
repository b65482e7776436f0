// Package gen writes synthetic Flask applications for benchmarks: many
// views, config classes, helpers, and a few real findings, in the shapes
// real apps have. Output is deterministic for a seed.
package gen

import (
	"fmt"
	"math/rand"
	"strings"
)

// Module returns a Python module of about lines lines.
func Module(seed int64, lines int) []byte {
	rng := rand.New(rand.NewSource(seed))
	var b strings.Builder
	b.WriteString("\"\"\"Generated module.\"\"\"\nimport os\nfrom flask import Flask, request, render_template, jsonify\n\n")
	b.WriteString("app = Flask(__name__)\napp.config[\"SECRET_KEY\"] = os.environ[\"SECRET_KEY\"]\n\n\n")
	n := strings.Count(b.String(), "\n")
	for i := 0; n < lines; i++ {
		var chunk string
		switch rng.Intn(6) {
		case 0:
			chunk = fmt.Sprintf(`@app.route("/items/%d", methods=["GET"])
def item_%d():
    value = request.args.get("q", "")
    rows = [x for x in range(%d) if str(x).startswith(value)]
    return jsonify(rows=rows, count=len(rows))


`, i, i, rng.Intn(100))
		case 1:
			chunk = fmt.Sprintf(`class Service%d:
    """A helper service."""

    def __init__(self, name):
        self.name = name
        self.cache = {}

    def run(self, debug=False):
        if debug:
            return self.name.upper()
        return self.name


`, i)
		case 2:
			chunk = fmt.Sprintf(`def helper_%d(a, b=None):
    total = 0
    for k in range(a):
        total += k * %d
    if b is not None:
        total -= b
    return total


`, i, rng.Intn(9)+1)
		case 3:
			chunk = fmt.Sprintf(`@app.route("/page/%d")
def page_%d():
    title = "Page %d"
    return render_template("page.html", title=title, user=request.args.get("user"))


`, i, i, i)
		case 4:
			chunk = fmt.Sprintf(`CONSTANT_%d = {"name": "n%d", "limit": %d, "enabled": True}
ITEMS_%d = [CONSTANT_%d, dict(name="x", limit=1)]


`, i, i, rng.Intn(1000), i, i)
		default:
			chunk = fmt.Sprintf(`worker_%d = Service%d("w") if False else None
# app.run(debug=True) in a comment is not a finding


`, i, i)
		}
		b.WriteString(chunk)
		n += strings.Count(chunk, "\n")
	}
	b.WriteString("if __name__ == \"__main__\":\n    app.run(debug=True)\n")
	return []byte(b.String())
}
