package diagnostics

import (
	"math/rand"
	"slices"
	"strconv"
	"testing"
)

func TestSortKeyedMatchesComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 2, 63, 64, 65, 100, 1000, 5000} {
		for _, distinct := range []int{1, 3, 50, 1 << 30} {
			a := make([]keyed, n)
			for i := range a {
				k := rng.Intn(distinct)
				a[i] = keyed{key: indexKey(strconv.Itoa(k)), pos: rng.Intn(n + 1), i: int32(i)}
			}
			if distinct == 1<<30 && n > 2 {
				a[n/2].key = ^uint64(0) // the last bucket
				a[n/3].key = 0          // the first
			}
			want := slices.Clone(a)
			slices.SortFunc(want, byKeyThenPosition)
			sortKeyed(a)
			if !slices.Equal(a, want) {
				t.Fatalf("n=%d distinct=%d: order differs from the comparison sort", n, distinct)
			}
		}
	}
}

func BenchmarkSortKeyed(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	src := make([]keyed, 3000)
	for i := range src {
		src[i] = keyed{key: rng.Uint64(), pos: i * 10, i: int32(i)}
	}
	a := make([]keyed, len(src))
	for _, tc := range []struct {
		name string
		sort func([]keyed)
	}{{"radix", sortKeyed}, {"pdq", func(a []keyed) { slices.SortFunc(a, byKeyThenPosition) }}} {
		b.Run(tc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				copy(a, src)
				tc.sort(a)
			}
		})
	}
}
