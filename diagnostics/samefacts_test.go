package diagnostics

import (
	"reflect"
	"strings"
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// nonPositionFields are the int fields of the facts that are not offsets.
var nonPositionFields = map[string]bool{
	"ImportFact.Level": true,
	"LocalBind.Call":   true, // an index into the statement's calls
	"BoxFact.Count":    true,
	"ArgFact.Kind":     true,
}

// TestEveryFactFieldIsClassified walks every type reachable from
// StatementFacts: each integer field must be known as an offset
// (positionFields, or of type Span) or as not one (nonPositionFields),
// so that a new field cannot be compared the wrong way unnoticed.
func TestEveryFactFieldIsClassified(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(ty reflect.Type) {
		switch ty.Kind() {
		case reflect.Pointer, reflect.Slice:
			walk(ty.Elem())
			return
		case reflect.Map:
			walk(ty.Key())
			walk(ty.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[ty] {
			return
		}
		seen[ty] = true
		for i := 0; i < ty.NumField(); i++ {
			f := ty.Field(i)
			name := ty.Name() + "." + f.Name
			if positionField(ty, f) != notPosition {
				if nonPositionFields[name] {
					t.Errorf("%s is listed both as an offset and as not one", name)
				}
				continue
			}
			switch f.Type.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				if !nonPositionFields[name] {
					t.Errorf("%s (%s) is not classified: add it to positionFields (an offset) or nonPositionFields", name, f.Type)
				}
			case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
				t.Errorf("%s: the comparison does not know %s fields", name, f.Type.Kind())
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(StatementFacts{}))
	if !seen[reflect.TypeOf(ModelFacts{})] || !seen[reflect.TypeOf(ArgItems{})] {
		t.Fatal("the walk did not reach the model facts")
	}
}

func TestSameFactsApartFromPositions(t *testing.T) {
	e := NewEngine(DefaultSettings(), nil)
	symbolsOf := func(src string) *ModuleSymbols {
		tree := syntax.Parse([]byte(src))
		defer tree.Close()
		f := NewPythonFile("app.py", "app", tree)
		return e.Symbols(f, Statements(tree), NewCache())
	}
	const base = `from flask import Flask
app = Flask(__name__)
app.config["SESSION_COOKIE_SECURE"] = False

@app.route("/a", methods=["GET", "POST"])
def a():
    x = 1
    return render_template("a.html", name=request.args["n"])

class Config:
    DEBUG = True
    SECRET_KEY = "k"
`
	tests := []struct {
		name      string
		old, new  string
		same      bool // SameFactsApartFromPositions
		identical bool // SameFacts
	}{
		{"unchanged", "", "", true, true},
		{"comment added in a body", "    x = 1\n", "    x = 1  # one\n", true, false},
		{"a body statement lengthened", "    x = 1\n", "    x = 100000\n", true, false},
		{"spaces inside a call", `render_template("a.html", name`, `render_template( "a.html",  name`, true, false},
		{"class entry value lengthened", `    SECRET_KEY = "k"`, `    SECRET_KEY = "kkkk"`, false, false},
		{"a callee renamed", "render_template(", "render_templatex(", false, false},
		{"a route path changed", `"/a"`, `"/ab"`, false, false},
		{"a method added", `["GET", "POST"]`, `["GET", "POST", "PUT"]`, false, false},
		{"a config value flipped", "= False", "= True", false, false},
		{"a statement added", "    x = 1\n", "    x = 1\n    y = 2\n", false, false},
		{"an entry added to a class", "    DEBUG = True\n", "    DEBUG = True\n    TESTING = True\n", false, false},
		{"a decorator's call spaced", `@app.route("/a",`, `@app.route( "/a",`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("the base has no %q", tt.old)
			}
			a, b := symbolsOf(base), symbolsOf(strings.Replace(base, tt.old, tt.new, 1))
			if got := SameFacts(a, b); got != tt.identical {
				t.Errorf("SameFacts = %v, want %v", got, tt.identical)
			}
			if got := SameFactsApartFromPositions(a, b); got != tt.same {
				t.Errorf("SameFactsApartFromPositions = %v, want %v", got, tt.same)
			}
		})
	}
}
