package erp_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/bijou3"
)

func bijou(t *testing.T, over erp.Options) erp.Reader {
	t.Helper()
	r, err := erp.New("bijou3", over)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const head = "Réf. fournisseur;Marque;Stock;Désignation\n"

func TestSinkErrorStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := bijou(t, erp.Options{Encoding: "utf-8"}).Read(context.Background(), "s.csv",
		strings.NewReader(head+"A;T;1;x\nB;T;1;x\nC;T;1;x\n"), erp.Sink{Record: func(erp.Record) error {
			if n++; n == 2 {
				return stop
			}
			return nil
		}})
	if err != stop || n != 2 {
		t.Errorf("err = %v after %d records, want the sink's error after 2", err, n)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := head + strings.Repeat("A;T;1;x\n", 10000)
	_, err := bijou(t, erp.Options{Encoding: "utf-8"}).Read(ctx, "s.csv", strings.NewReader(in), erp.Sink{Record: func(erp.Record) error { return nil }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestLimits(t *testing.T) {
	long := strings.Repeat("é", 3000) // 6000 bytes once decoded
	recs, probs, sum, err := erp.ReadAll(context.Background(), bijou(t, erp.Options{Encoding: "utf-8"}), "s.csv",
		strings.NewReader(head+"A;T;1;"+long+"\nB;T;1;x\n"))
	if err != nil || len(recs) != 1 || sum.RowErrors != 1 || probs[0].Code != erp.CodeFieldTooLong || probs[0].Loc.Line != 2 {
		t.Errorf("records %d, problems %v, err %v", len(recs), probs, err)
	}
	_, _, _, err = erp.ReadAll(context.Background(), bijou(t, erp.Options{Encoding: "utf-8", Limits: erp.Limits{MaxRows: 2}}), "s.csv",
		strings.NewReader(head+"A;T;1;x\nB;T;1;x\nC;T;1;x\n"))
	var fe *erp.FileError
	if !errors.As(err, &fe) || fe.Code != erp.FileTooLarge || fe.Loc.Line != 4 {
		t.Errorf("max rows: err = %v", err)
	}
}

func TestRegistry(t *testing.T) {
	if !reflect.DeepEqual(erp.Profiles(), []string{bijou3.Name}) {
		t.Errorf("Profiles() = %v", erp.Profiles())
	}
	if _, err := erp.New("sage", erp.Options{}); err == nil || !strings.Contains(err.Error(), `unknown ERP profile "sage" (known: [bijou3])`) {
		t.Errorf("err = %v", err)
	}
}

func TestMerge(t *testing.T) {
	def := bijou3.Defaults()
	got := def.Merge(erp.Options{Encoding: "utf-8", Header: erp.Bool(false), Order: []string{"ref", "qty"},
		Columns: map[string]string{"qty": "Qté"}, ExcludedStatuses: []string{}, Limits: erp.Limits{MaxRows: 5}})
	if got.Encoding != "utf-8" || got.Delimiter != ";" || got.HasHeader() || len(got.Order) != 2 ||
		got.Columns["qty"] != "Qté" || got.Columns["ref"] != "Réf. fournisseur" ||
		len(got.ExcludedStatuses) != 0 || got.Limits.MaxRows != 5 {
		t.Errorf("merged = %+v", got)
	}
	if def.Columns["qty"] != "Stock" || !def.HasHeader() {
		t.Errorf("Merge changed the defaults: %+v", def)
	}
}

func TestLookupEncoding(t *testing.T) {
	for in, want := range map[string]string{"": "utf-8", "UTF-8": "utf-8", "windows-1252": "windows-1252", "cp1252": "windows-1252",
		"ISO-8859-15": "iso-8859-15", "latin-9": "iso-8859-15", "macintosh": "macintosh", "mac-roman": "macintosh", "utf-16le": "utf-16le"} {
		_, got, err := erp.LookupEncoding(in)
		if err != nil || got != want {
			t.Errorf("LookupEncoding(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, _, err := erp.LookupEncoding("ebcdic-klingon"); err == nil {
		t.Error("an unknown encoding was accepted")
	}
}
