package source

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPruneArchive(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 6, 15, 3, 0, 0, 0, time.UTC)
	sha := func(c byte) string {
		b := make([]byte, 64)
		for i := range b {
			b[i] = c
		}
		return string(b)
	}
	put := func(name string, mod time.Time, archivedAt time.Time, s string) string {
		t.Helper()
		p := ArchivePath(dir, name, mod, s)
		if s == "" {
			p = filepath.Join(filepath.Dir(p), name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, archivedAt, archivedAt); err != nil {
			t.Fatal(err)
		}
		return p
	}
	day := 24 * time.Hour
	old := now.Add(-100 * day)
	oldGone := put("stock.csv", old, old, sha('a'))
	oldHeld := put("stock.csv", old, old, sha('b')) // a held run's: kept
	oldPart := put("stock.csv.part", old, old, "")  // a download cut long ago
	foreign := put("notes.txt", old, old, "")       // not ours
	recent := put("stock.csv", now.Add(-2*day), now.Add(-2*day), sha('c'))
	lonely := put("stock.csv", now.Add(-200*day), old, sha('d')) // alone in its month

	removed, err := PruneArchive(dir, 90, map[string]bool{sha('b'): true}, now)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := []string{oldGone, oldPart, lonely}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Errorf("removed\n %q\nwant\n %q", removed, want)
	}
	for _, p := range []string{oldHeld, foreign, recent} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Dir(lonely)); !os.IsNotExist(err) {
		t.Errorf("empty month folder %s left: %v", filepath.Dir(lonely), err)
	}
	if removed, err := PruneArchive(dir, 0, nil, now); err != nil || len(removed) != 0 {
		t.Errorf("keepDays 0 removed %q, %v", removed, err)
	}
	if removed, err := PruneArchive(filepath.Join(dir, "missing"), 90, nil, now); err != nil || len(removed) != 0 {
		t.Errorf("missing archive: %q, %v", removed, err)
	}
}
