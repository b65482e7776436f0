package server

import (
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/internal/gen"
)

// BenchmarkEditToPublish10k measures, through the real server over a
// JSON-RPC stream, the time from sending a one-character didChange at a
// random place of a 10k-line file to receiving its publishDiagnostics.
// Each edit inserts "x" and the next removes it, so the file stays valid
// on average. Reports p50/p95/p99 in ms.
func BenchmarkEditToPublish10k(b *testing.B) {
	c := newClient(b)
	c.initialize(nil)
	src := gen.Module(1, 10000)
	c.open(uriApp, string(src))
	c.waitDiagnostics(uriApp)
	text := source.New(src)
	rng := rand.New(rand.NewSource(1))
	lat := make([]time.Duration, 0, b.N)
	var inserted *source.Position
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if inserted == nil {
			line := rng.Intn(text.LineCount() - 1)
			col := rng.Intn(len(text.Line(line)) + 1)
			p := text.OffsetPosition(text.LineStart(line) + col)
			c.change(uriApp, p.Line, p.Character, p.Line, p.Character, "x")
			inserted = &p
		} else {
			c.change(uriApp, inserted.Line, inserted.Character, inserted.Line, inserted.Character+1, "")
			inserted = nil
		}
		c.waitDiagnostics(uriApp)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
