package ftp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/source"
)

// BenchmarkFetch measures one fetch of an 8 MiB extract (a large
// boutique's) from the in-process server: connect, log in, list, download
// with SHA-256, archive.
func BenchmarkFetch(b *testing.B) {
	for _, mode := range []string{TLSNone, TLSExplicit} {
		b.Run(mode, func(b *testing.B) {
			ts := startServer(b, serverConfig{tls: mode})
			content := strings.Repeat("T120.407.17.041.00;MONTRE TISSOT;2;450.00\n", 8<<20/43)
			ts.put(b, "stock_1.csv", content, time.Now())
			ts.put(b, "stock_1.csv.done", "", time.Now())
			opts := ts.options(mode)
			opts.Marker = source.MarkerDone
			archive := b.TempDir()
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
		})
	}
}
