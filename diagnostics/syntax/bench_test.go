package syntax

import (
	"math/rand"
	"testing"

	"github.com/flaskguard/flaskguard/internal/gen"
)

// BenchmarkReparseOneChar: incremental reparse after inserting one
// character at a random place of a 10k-line module (then removing it).
func BenchmarkReparseOneChar(b *testing.B) {
	src := gen.Module(1, 10000)
	tree := Parse(src)
	rng := rand.New(rand.NewSource(1))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at := rng.Intn(len(tree.Src()))
		next := tree.Reparse([]Edit{{Start: at, OldEnd: at, NewText: []byte("x")}})
		back := next.Reparse([]Edit{{Start: at, OldEnd: at + 1}})
		tree.Close()
		next.Close()
		tree = back
	}
	tree.Close()
}

// BenchmarkReparseInString: the common case of typing inside a string.
func BenchmarkReparseInComment(b *testing.B) {
	src := gen.Module(1, 10000)
	tree := Parse(src)
	// offset inside the first "# app.run(...) in a comment" line
	at := -1
	for i := 0; i+10 < len(src); i++ {
		if string(src[i:i+9]) == "# app.run" {
			at = i + 3
			break
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next := tree.Reparse([]Edit{{Start: at, OldEnd: at, NewText: []byte("x")}})
		back := next.Reparse([]Edit{{Start: at, OldEnd: at + 1}})
		tree.Close()
		next.Close()
		tree = back
	}
	tree.Close()
}
