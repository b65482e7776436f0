package diagnostics

import (
	"math/bits"
	"slices"
)

// sortKeyed sorts a by byKeyThenPosition. The keys are seeded hashes,
// spread evenly: one counting pass on their top bits puts the entries in
// buckets of about one entry each, which are then sorted in place. This is
// several times faster than a comparison sort on the thousands of entries
// of a large module, whose model index is rebuilt on every edit that
// changes its facts.
func sortKeyed(a []keyed) {
	if len(a) < 64 {
		slices.SortFunc(a, byKeyThenPosition)
		return
	}
	width := bits.Len(uint(len(a))) // about one bucket per entry
	shift := 64 - width
	starts := make([]int32, 1<<width+1)
	for _, x := range a {
		starts[x.key>>shift+1]++
	}
	for i := 1; i < len(starts); i++ {
		starts[i] += starts[i-1]
	}
	out := make([]keyed, len(a))
	next := starts[: len(starts)-1 : len(starts)-1]
	for _, x := range a {
		b := x.key >> shift
		out[next[b]] = x
		next[b]++
	}
	// Each bucket now runs from its start to the next bucket's (next[b]
	// was moved to the end of bucket b).
	lo := 0
	for b := range next {
		hi := int(next[b])
		if hi-lo > 1 {
			sortBucket(out[lo:hi])
		}
		lo = hi
	}
	copy(a, out)
}

// sortBucket sorts a small bucket by insertion, a large one (many entries
// with one key: a name bound over and over) by comparison.
func sortBucket(a []keyed) {
	if len(a) > 16 {
		slices.SortFunc(a, byKeyThenPosition)
		return
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && byKeyThenPosition(a[j-1], a[j]) > 0; j-- {
			a[j-1], a[j] = a[j], a[j-1]
		}
	}
}
