package diagnostics

import (
	"fmt"
	"math/rand"
	"testing"
)

// align finds every key that the last generation had, wherever it moved,
// with that generation's value, and nothing for new keys.
func TestStmtCacheAlign(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // one key per letter
	}{
		{"same", "abcdef", "abcdef"},
		{"edit in the middle", "abcdef", "abXdef"},
		{"insert", "abcdef", "abcXdef"},
		{"delete", "abcdef", "abdef"},
		{"first", "abcdef", "Xbcdef"},
		{"last", "abcdef", "abcdeX"},
		{"moved up", "abcdef", "eabcdf"},
		{"moved down", "abcdef", "bcdeaf"},
		{"duplicates", "aabbaa", "aabXbaa"},
		{"from empty", "", "abc"},
		{"to empty", "abc", ""},
		{"all new", "abc", "XYZ"},
		{"reversed", "abcdef", "fedcba"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c stmtCache[byte, string]
			vals := make([]string, len(tt.old))
			for i := range vals {
				vals[i] = fmt.Sprintf("%c@%d", tt.old[i], i)
			}
			c.set([]byte(tt.old), vals)
			get := c.align([]byte(tt.new))
			for i := 0; i < len(tt.new); i++ {
				v, ok := get(i)
				wantOK := false
				for j := 0; j < len(tt.old); j++ {
					wantOK = wantOK || tt.old[j] == tt.new[i]
				}
				if ok != wantOK {
					t.Errorf("key %c at %d: found %v, want %v", tt.new[i], i, ok, wantOK)
				}
				if ok && v[0] != tt.new[i] {
					t.Errorf("key %c at %d: value %q is another key's", tt.new[i], i, v)
				}
			}
		})
	}
}

// Over random edit sequences, every lookup returns a value stored under
// the same key (the values are functions of the key here), generations
// replace each other, and the spare array is reused without corrupting
// the current one.
func TestStmtCacheRandomGenerations(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var c stmtCache[int, int]
	keys := []int{}
	for gen := 0; gen < 2000; gen++ {
		next := append([]int(nil), keys...)
		for e := rng.Intn(3); e >= 0; e-- {
			switch op := rng.Intn(4); {
			case op == 0 || len(next) == 0:
				at := rng.Intn(len(next) + 1)
				next = append(next[:at], append([]int{rng.Intn(50)}, next[at:]...)...)
			case op == 1:
				at := rng.Intn(len(next))
				next = append(next[:at], next[at+1:]...)
			case op == 2:
				next[rng.Intn(len(next))] = rng.Intn(50)
			default:
				i, j := rng.Intn(len(next)), rng.Intn(len(next))
				next[i], next[j] = next[j], next[i]
			}
		}
		k := c.newKeys(len(next))
		k = append(k, next...)
		get := c.align(k)
		vals := make([]int, len(k))
		for i := range k {
			if v, ok := get(i); ok {
				if v != k[i]*7 {
					t.Fatalf("generation %d: key %d got value %d", gen, k[i], v)
				}
			}
			vals[i] = k[i] * 7
		}
		c.set(k, vals)
		keys = next
	}
}
