package diagnostics

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// probe parses src and returns the first argument of every probe(...) call
// with the file's Context; the tree is closed at the end of the test.
func probe(t *testing.T, src string) (*Context, []syntax.Node) {
	t.Helper()
	tree := syntax.Parse([]byte(src))
	t.Cleanup(tree.Close)
	var facts []*StatementFacts
	for _, s := range Statements(tree) {
		facts = append(facts, ExtractFacts(s))
	}
	ctx := BuildContext(NewModuleSymbols("app", false, facts), nil)
	var args []syntax.Node
	tree.Root().Walk(func(n syntax.Node) bool {
		if n.Kind() == "call" && n.Field("function").Text() == "probe" {
			args = append(args, PositionalArguments(n.Field("arguments"))[0])
		}
		return true
	})
	if len(args) == 0 {
		t.Fatalf("no probe(...) in %q", src)
	}
	return ctx, args
}

func TestStaticText(t *testing.T) {
	cases := []struct {
		src     string
		escapes bool // FG301's view (escaping calls make text safe)
		want    bool
	}{
		{`probe("<b>hi</b>")`, true, true},
		{`probe("<b>" "hi</b>")`, true, true},
		{`probe(f"<b>{1}</b>")`, true, true},
		{`probe(f"<b>{name}</b>")`, true, false},
		{`probe("<b>" + name)`, true, false},
		{`probe("<b>%s</b>" % name)`, true, false},
		{`probe("<b>{}</b>".format(name))`, true, false},
		{`probe("<b>{}</b>".format("x"))`, true, true},
		{`probe(name)`, true, false},
		{`probe(get_html())`, true, false},
		{"BANNER = '<b>hi</b>'\nprobe(BANNER)", true, true},
		{"BANNER = '<b>hi</b>'\nBANNER = load()\nprobe(BANNER)", true, false},
		{"def f(x):\n    probe(x)", true, false},
		{"def f():\n    x = '<i>'\n    probe(x)", true, true},
		{"def f():\n    x = '<i>'\n    x += '</i>'\n    probe(x)", true, true},
		{"def f(y):\n    x = '<i>'\n    x += y\n    probe(x)", true, false},
		{"def f(y):\n    x = '<i>'\n    if y:\n        x = y\n    probe(x)", true, false},
		{"def f(y):\n    x = y\n    x = '<i>'\n    probe(x)", true, true},
		{"def f(y):\n    x = escape(y)\n    probe(x)", true, true},
		{"def f(y):\n    x = escape(y)\n    probe(x)", false, false},
		{"from markupsafe import escape\ndef f(y):\n    probe(f'<b>{escape(y)}</b>')", true, true},
		{"def f(y):\n    probe('<b>' + escape(y) + '</b>')", true, true},
		{"def f(items):\n    probe(''.join(f'<li>{escape(i)}</li>' for i in items))", true, true},
		{"def f(items):\n    probe(''.join(f'<li>{i}</li>' for i in items))", true, false},
		{"def f():\n    for label in ('a', 'b'):\n        probe(label)", true, true},
		{"def f(rows):\n    for label in rows:\n        probe(label)", true, false},
		{"def f(n):\n    probe('<b>%d</b>' % len(n))", true, true},
		{"from flask import Markup\ndef f(n):\n    probe(Markup('<b>%s</b>') % n)", true, true},
		{"from flask import Markup\ndef f(n):\n    probe(Markup('<b>{}</b>').format(n))", true, true},
		{"def f(n):\n    probe(_('Hello <b>%(n)s</b>') % {'n': escape(n)})", true, true},
		{"def f(x):\n    x = x\n    probe(x)", true, false}, // self-reference terminates
		{"def f(a):\n    x = 'a' if a else 'b'\n    probe(x)", true, true},
		{"def f(a):\n    x = 'a' if a else a\n    probe(x)", true, false},
		{"def f():\n    x, y = '<a>', '<b>'\n    probe(y)", true, true},
		{"def f(z):\n    x, y = '<a>', z\n    probe(y)", true, false},
		{"def outer(y):\n    x = '<a>'\n    def inner():\n        probe(x)", true, true},
		{"def f():\n    global G\n    probe(G)", true, false},
		{"def f(n):\n    probe(' ' * n)", true, true},
		{"def f(s):\n    probe(s * 2)", true, false},
	}
	for _, c := range cases {
		ctx, args := probe(t, c.src)
		if got := StaticText(ctx, args[0], c.escapes); got != c.want {
			t.Errorf("StaticText(escapes=%v) = %v, want %v for:\n%s", c.escapes, got, c.want, c.src)
		}
	}
}

func TestIsUpload(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"from flask import request\nprobe(request.files['f'])", true},
		{"from flask import request\nprobe(request.files.get('f'))", true},
		{"import flask\nprobe(flask.request.files.get('f'))", true},
		{"from flask import request\nprobe(request.files.getlist('f')[0])", true},
		{"from flask import request\ndef v():\n    f = request.files['f']\n    probe(f)", true},
		{"from flask import request\ndef v():\n    for f in request.files.getlist('f'):\n        probe(f)", true},
		{"from flask import request\ndef v():\n    files = request.files.getlist('f')\n    for f in files:\n        probe(f)", true},
		{"from flask import request\ndef v():\n    for name, f in request.files.items():\n        probe(f)", true},
		{"from flask import request\ndef v():\n    for name, f in request.files.items():\n        probe(name)", false},
		{"from flask import request\ndef v():\n    if (f := request.files.get('f')) is not None:\n        probe(f)", true},
		{"def save(f: FileStorage):\n    probe(f)", true},
		{"def save(f):\n    probe(f)", false},
		{"def v(img):\n    probe(img)", false},
		{"from flask import request\ndef v():\n    f = request.form['f']\n    probe(f)", false},
		{"from flask import request\ndef v():\n    f = open('x')\n    probe(f)", false},
	}
	for _, c := range cases {
		ctx, args := probe(t, c.src)
		if got := IsUpload(ctx, args[0]); got != c.want {
			t.Errorf("IsUpload = %v, want %v for:\n%s", got, c.want, c.src)
		}
	}
}

func TestFilenameSources(t *testing.T) {
	const head = "import os\nfrom flask import request\nfrom werkzeug.utils import secure_filename\ndef v():\n    f = request.files['f']\n"
	cases := []struct {
		body string
		want []string // the .filename expressions reported
	}{
		{"    probe(os.path.join('up', f.filename))", []string{"f.filename"}},
		{"    probe(f'up/{f.filename}')", []string{"f.filename"}},
		{"    probe('up/' + f.filename)", []string{"f.filename"}},
		{"    probe('up/%s' % f.filename)", []string{"f.filename"}},
		{"    probe('up/{}'.format(f.filename.lower()))", []string{"f.filename"}},
		{"    name = f.filename\n    path = os.path.join('up', name)\n    probe(path)", []string{"f.filename"}},
		{"    probe(os.path.join('up', secure_filename(f.filename)))", nil},
		{"    name = secure_filename(f.filename)\n    probe(os.path.join('up', name))", nil},
		{"    name = f.filename\n    name = secure_filename(name)\n    probe(os.path.join('up', name))", nil},
		{"    name = f.filename\n    if name:\n        name = secure_filename(name)\n    probe(os.path.join('up', name))", []string{"f.filename"}},
		{"    probe(os.path.join('up', os.path.basename(f.filename)))", nil},
		{"    probe(os.path.join('up', uuid4().hex + os.path.splitext(f.filename)[1]))", nil},
		{"    probe(os.path.join('up', os.path.splitext(f.filename)[0]))", []string{"f.filename"}},
		{"    stem, ext = os.path.splitext(f.filename)\n    probe('up/x' + ext)", nil},
		{"    stem, ext = os.path.splitext(f.filename)\n    probe('up/' + stem)", []string{"f.filename"}},
		{"    ext = f.filename.rsplit('.', 1)[1].lower()\n    probe('up/x.' + ext)", nil},
		{"    probe('up/x.' + f.filename.rsplit('.', 1)[0])", []string{"f.filename"}},
		{"    probe(Path('up') / f.filename)", []string{"f.filename"}},
		{"    probe(make_unique_name(f.filename))", nil},
		{"    probe(os.path.join('up', f.name))", nil},
		{"    probe(os.path.join('up', request.form['name']))", nil},
		{"    for g in request.files.getlist('g'):\n        probe(os.path.join('up', g.filename))", []string{"g.filename"}},
	}
	for _, c := range cases {
		ctx, args := probe(t, head+c.body+"\n")
		var got []string
		for _, n := range FilenameSources(ctx, args[0]) {
			got = append(got, n.Text())
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("FilenameSources = %q, want %q for:\n%s", got, c.want, c.body)
		}
	}
}

func TestChecksExtension(t *testing.T) {
	cases := []struct {
		body string
		want bool
	}{
		{"f.save(p)", false},
		{"if not allowed_file(f.filename):\n        abort(400)\n    f.save(p)", true},
		{"ext = os.path.splitext(f.filename)[1]\n    f.save(p)", true},
		{"if f.filename.rsplit('.', 1)[1].lower() in {'png'}:\n        f.save(p)", true},
		{"if f.filename.lower().endswith('.png'):\n        f.save(p)", true},
		{"if Path(f.filename).suffix not in current_app.config['UPLOAD_EXTENSIONS']:\n        abort(400)", true},
		{"if ext not in ALLOWED:\n        abort(400)", true},
		{"if imghdr.what(f.stream) is None:\n        abort(400)", true},
		{"if form.validate_on_submit():\n        f.save(p)", true},
		{"if f.filename == '':\n        abort(400)\n    f.save(p)", false},
		{"name = f.filename.split('/')[-1]\n    f.save(p)", false},
	}
	for _, c := range cases {
		tree := syntax.Parse([]byte("def v(f, p):\n    " + c.body + "\n"))
		fn := tree.Root().NamedChild(0)
		if got := ChecksExtension(fn); got != c.want {
			t.Errorf("ChecksExtension = %v, want %v for:\n%s", got, c.want, c.body)
		}
		tree.Close()
	}
}

func TestUsesFilename(t *testing.T) {
	const head = "import os\nfrom flask import request\nfrom werkzeug.utils import secure_filename\ndef v():\n    f = request.files['f']\n"
	cases := []struct {
		body string
		want bool
	}{
		{"    probe(os.path.join('up', secure_filename(f.filename)))", true},
		{"    name = secure_filename(f.filename)\n    probe('up/' + name)", true},
		{"    ext = os.path.splitext(f.filename)[1]\n    probe('up/x' + ext)", true},
		{"    probe(os.path.join('up', uuid4().hex + '.png'))", false},
		{"    probe(os.path.join('up', request.form['name']))", false},
	}
	for _, c := range cases {
		ctx, args := probe(t, head+c.body+"\n")
		if got := UsesFilename(ctx, args[0]); got != c.want {
			t.Errorf("UsesFilename = %v, want %v for:\n%s", got, c.want, c.body)
		}
	}
}

// Many conditional rebindings must not make the walk exponential: each
// name use is resolved once per query.
func TestFlowIsNotExponential(t *testing.T) {
	var b strings.Builder
	b.WriteString("import os\nfrom flask import request\ndef v(c):\n    f = request.files['f']\n    s = '<b>'\n    p = f.filename\n")
	for i := 0; i < 60; i++ {
		b.WriteString("    if c:\n        s = s + '<i>'\n        p = p + s\n")
	}
	b.WriteString("    probe(s)\n    probe(p)\n")
	ctx, args := probe(t, b.String())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if !StaticText(ctx, args[0], true) {
			t.Errorf("s should be static")
		}
		if got := FilenameSources(ctx, args[1]); len(got) != 1 {
			t.Errorf("FilenameSources = %d nodes, want 1", len(got))
		}
		if !UsesFilename(ctx, args[1]) {
			t.Errorf("p uses the file name")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("data flow did not finish in 10s: exponential walk")
	}
}
