package state

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// rawOpen opens path without migrating it.
func rawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func version(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func tables(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

func TestMigrateFresh(t *testing.T) {
	s, _ := openTemp(t)
	if got, want := version(t, s.db), len(migrations); got != want {
		t.Errorf("version %d, want %d", got, want)
	}
	want := "acked aliases batches catalog_packed catalog_published item_acks item_results meta replaced run_data runs"
	if got := tables(t, s.db); got != want {
		t.Errorf("tables %q, want %q", got, want)
	}
}

// TestMigrateFromV1 upgrades a file written by a binary that knew only 0001 and
// checks its data survives.
func TestMigrateFromV1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	db := rawOpen(t, path)
	if err := migrate(ctx, db, migrations[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO runs (started_ms, trigger, extract_name, extract_sha256, profile)
		VALUES (1700000000000, 'schedule', 'stock.csv', 'abc', 'generic')`); err != nil {
		t.Fatal(err)
	}
	if got := version(t, db); got != 1 {
		t.Fatalf("version %d after 0001, want 1", got)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := version(t, s.db); got != len(migrations) {
		t.Errorf("version %d after upgrade, want %d", got, len(migrations))
	}
	if id, err := s.StateID(ctx); err != nil || len(id) != 12 {
		t.Errorf("state id after upgrade %q, %v: want 12 hex digits", id, err)
	}
	r, err := s.Run(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.ExtractSHA256 != "abc" || !r.Started.Equal(time.UnixMilli(1700000000000)) {
		t.Errorf("run after upgrade = %+v", r)
	}
	if err := s.PutAlias(ctx, Alias{Brand: "TISSOT", OldRef: "T1", Canonical: "T2"}); err != nil {
		t.Errorf("aliases table after upgrade: %v", err)
	}
}

func TestOpenRefusesNewerFile(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err := Open(ctx, path)
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("Open of a version 99 file: %v, want ErrTooNew", err)
	}
	if got := version(t, rawOpen(t, path)); got != 99 {
		t.Errorf("refused file now at version %d, want it untouched at 99", got)
	}
}

// TestMigrateFailureLeavesPreviousVersion checks a failing migration is rolled
// back whole: no half-created table, version unchanged.
func TestMigrateFailureLeavesPreviousVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0001_one.sql": {Data: []byte("CREATE TABLE one (x INTEGER);")},
		"m/0002_two.sql": {Data: []byte("CREATE TABLE two (x INTEGER); INSERT INTO nosuch VALUES (1);")},
	}
	ms, err := loadMigrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	db := rawOpen(t, filepath.Join(t.TempDir(), "site.db"))
	if err := migrate(context.Background(), db, ms); err == nil {
		t.Fatal("migrate with a broken 0002 succeeded")
	}
	if got := version(t, db); got != 1 {
		t.Errorf("version %d, want 1", got)
	}
	if got := tables(t, db); got != "one" {
		t.Errorf("tables %q, want only %q", got, "one")
	}
}

func TestLoadMigrations(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		want  []int // nil: an error
	}{
		{"ordered", []string{"0002_b.sql", "0001_a.sql", "README.md"}, []int{1, 2}},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, nil},
		{"duplicate", []string{"0001_a.sql", "0001_b.sql"}, nil},
		{"no number", []string{"init.sql"}, nil},
		{"zero", []string{"0000_a.sql"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tc.files {
				fsys["m/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
			}
			ms, err := loadMigrations(fsys, "m")
			if tc.want == nil {
				if err == nil {
					t.Fatalf("no error, got %d migrations", len(ms))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("versions %v, want %v", got, tc.want)
			}
		})
	}
}

// TestStateIDsDiffer: two state files never share an id (idempotency keys carry it).
func TestStateIDsDiffer(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	for range 5 {
		s, _ := openTemp(t)
		id, err := s.StateID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s.StateID(ctx)
		if len(id) != 12 || seen[id] || again != id {
			t.Fatalf("state id %q (again %q), seen before: %v", id, again, seen[id])
		}
		seen[id] = true
	}
}
