package connector

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// panicReader emits n records, then panics, as a reader with a bug meeting a
// hostile extract would.
type panicReader struct{ n int }

func (p panicReader) Read(ctx context.Context, name string, r io.Reader, sink erp.Sink) (erp.Summary, error) {
	for i := range p.n {
		if err := sink.Record(erp.Record{Ref: "R" + strings.Repeat("1", i%7+1), Brand: "TISSOT", Qty: 1}); err != nil {
			return erp.Summary{}, err
		}
	}
	var m map[string]int
	m["boom"]++ // assignment to entry in nil map
	return erp.Summary{}, nil
}

// A reader that panics is a file error of the extract (the run is held), and no
// goroutine is left behind in the service.
func TestReaderPanicIsAFileError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stock.csv")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := mapping.New(mapping.Config{Brands: map[string]string{"TISSOT": "Tissot"}})
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, n := range []int{0, 10, 3*lineBatch + 5} {
		eng := reconcile.NewEngine([]reconcile.Product{{ID: "p1", Brand: "Tissot", Ref: "R1"}}, reconcile.Rules{}, m)
		done := make(chan struct{})
		var res readResult
		go func() {
			defer close(done)
			res, err = readExtract(context.Background(), panicReader{n}, "stock.csv", path, eng)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d records then a panic: readExtract never returns", n)
		}
		if err != nil {
			t.Fatalf("%d records then a panic: error %v, want a file error in the result", n, err)
		}
		if !strings.Contains(res.fileError, "stock.csv") || !strings.Contains(res.fileError, "reader failed") {
			t.Errorf("%d records then a panic: file error %q", n, res.fileError)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before, %d after: the folding goroutine leaked", before, after)
	}
}
