package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// countReader emits n records of references R0…R(n-1).
type countReader struct{ n int }

func (c countReader) Read(ctx context.Context, name string, r io.Reader, sink erp.Sink) (erp.Summary, error) {
	for i := range c.n {
		if err := sink.Record(erp.Record{Ref: fmt.Sprintf("R%d", i%(c.n/2)), Brand: "Tissot", Qty: 1}); err != nil {
			return erp.Summary{}, err
		}
	}
	return erp.Summary{Rows: c.n}, nil
}

// An engine made while the extract is decoded (a precheck's catalog loading) gets
// every line in file order, as one made before; its error is returned as it is.
func TestReadExtractIntoAnEngineMadeLater(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stock.csv")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var catalog []reconcile.Product
	for i := range 3000 {
		catalog = append(catalog, reconcile.Product{ID: fmt.Sprint("P", i), Brand: "Tissot", Ref: fmt.Sprint("R", 2*i)})
	}
	r := countReader{n: 7*lineBatch + 11}
	want, err := readExtract(context.Background(), r, "stock.csv", path, reconcile.NewEngine(catalog, reconcile.Rules{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readExtractInto(context.Background(), r, "stock.csv", path, func() (*reconcile.Engine, error) {
		time.Sleep(50 * time.Millisecond) // the reader is done long before
		return reconcile.NewEngine(catalog, reconcile.Rules{}, nil), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("the plan differs with an engine made later")
	}
	boom := errors.New("read catalog: boom")
	if _, err := readExtractInto(context.Background(), r, "stock.csv", path, func() (*reconcile.Engine, error) {
		time.Sleep(10 * time.Millisecond)
		return nil, boom
	}); err != boom {
		t.Errorf("error %v, want the engine's", err)
	}
}
