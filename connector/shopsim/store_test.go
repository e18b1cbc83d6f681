package shopsim

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOpenPragmas checks the DSN: WAL, busy timeout and foreign keys are on, and a
// path with a space and a '#' opens the file it names.
func TestOpenPragmas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop data #1", "shop.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{DBPath: path, Secret: testSecret, Boutique: "B042"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at %s: %v", path, err)
	}
	var mode string
	var fk, busy int
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow("PRAGMA busy_timeout").Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || busy != 5000 {
		t.Errorf("journal_mode %s, foreign_keys %d, busy_timeout %d", mode, fk, busy)
	}
}

func TestLoadCatalogFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, data string
		want       int
		ok         bool
	}{
		{"array", `[{"id":"a","brand":"B","ref":"R1"},{"id":"b","brand":"B","ref":"R2"}]`, 2, true},
		{"page", ` {"products":[{"id":"a","brand":"B","ref":"R1","declinable":true,"variants":[{"id":"a-1","size":"52"}]}]}`, 1, true},
		{"no id", `[{"brand":"B","ref":"R1"}]`, 0, false},
		{"not JSON", `id;brand;ref`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Options{DBPath: filepath.Join(t.TempDir(), "shop.db"), Secret: testSecret, Boutique: "B042"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			path := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			err = s.LoadCatalogFile(t.Context(), path)
			if (err == nil) != tt.ok {
				t.Fatalf("error %v, want ok=%v", err, tt.ok)
			}
			ps, _, err := s.catalogPage(t.Context(), "", 10)
			if err != nil || len(ps) != tt.want {
				t.Errorf("%d products, want %d (%v)", len(ps), tt.want, err)
			}
		})
	}
}
