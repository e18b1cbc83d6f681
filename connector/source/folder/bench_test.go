package folder

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/source"
)

// BenchmarkFetch measures one fetch of an 8 MiB extract from a local
// folder: list, copy with SHA-256, fsync, archive.
func BenchmarkFetch(b *testing.B) {
	export, archive := b.TempDir(), b.TempDir()
	content := strings.Repeat("T120.407.17.041.00;MONTRE TISSOT;2;450.00\n", 8<<20/43)
	put(b, export, "stock_1.csv", content, time.Now())
	put(b, export, "stock_1.csv.done", "", time.Now())
	opts := Options{Path: export, Rules: source.Rules{Marker: source.MarkerDone}}
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		s, err := New(opts, source.Env{ArchiveDir: archive})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Fetch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
