package erp

import (
	"context"
	"io"
)

// ReadAll reads a whole extract into memory: for tests, small files and tools. A run
// streams with Reader.Read instead.
func ReadAll(ctx context.Context, rd Reader, name string, r io.Reader) ([]Record, []Problem, Summary, error) {
	var recs []Record
	var probs []Problem
	sum, err := rd.Read(ctx, name, r, Sink{
		Record:  func(rec Record) error { recs = append(recs, rec); return nil },
		Problem: func(p Problem) { probs = append(probs, p) },
	})
	return recs, probs, sum, err
}
