package diagnostics_test

import (
	"testing"

	"github.com/flaskguard/flaskguard/diagnostics"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

func TestLiteralTruth(t *testing.T) {
	tests := []struct {
		expr          string
		truthy, known bool
	}{
		{"True", true, true}, {"False", false, true}, {"None", false, true},
		{"1", true, true}, {"0", false, true}, {"0x10", true, true}, {"0.0", false, true},
		{`"yes"`, true, true}, {`""`, false, true}, {`"a" "b"`, true, true},
		{"16 * 1024 * 1024", true, true}, {"(2 - 2)", false, true}, {"-1", true, true}, {"2 ** 10", true, true},
		{"x", false, false}, {`os.environ.get("DEBUG")`, false, false}, {`f"{x}"`, false, false},
		{"1 / 0", false, false}, {"n * 1024", false, false}, {`ENV == "development"`, false, false},
	}
	for _, tc := range tests {
		tree := syntax.Parse([]byte("v = " + tc.expr + "\n"))
		value := tree.TopLevel()[0].NamedChild(0).Field("right")
		truthy, known := diagnostics.LiteralTruth(value)
		if truthy != tc.truthy || known != tc.known {
			t.Errorf("LiteralTruth(%s) = %v, %v; want %v, %v", tc.expr, truthy, known, tc.truthy, tc.known)
		}
		tree.Close()
	}
}
