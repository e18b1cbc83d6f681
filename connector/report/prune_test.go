package report

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestPrune(t *testing.T) {
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	// Files with their age; only report-*/precheck-* .xlsx/.csv are ever removed.
	files := []struct {
		name string
		age  time.Duration
	}{
		{ReportFile(now, "1"), 0},
		{ReportFile(now.Add(-day), "2"), day},
		{ReportFile(now.Add(-40*day), "3"), 40 * day},
		{PrecheckFile(now.Add(-2 * day)), 2 * day},
		{RewriteFile(now.Add(-2 * day)), 2 * day},
		{"ecrin.db", 400 * day},
		{"report-notes.txt", 400 * day},
		{"stock.xlsx", 400 * day},
	}
	tests := []struct {
		name string
		keep Retention
		want []string // removed, sorted
	}{
		{"keep all", Retention{}, nil},
		{"max age", Retention{MaxAge: 30 * day}, []string{ReportFile(now.Add(-40*day), "3")}},
		{"max files", Retention{MaxFiles: 2}, []string{
			PrecheckFile(now.Add(-2 * day)), RewriteFile(now.Add(-2 * day)), ReportFile(now.Add(-40*day), "3"),
		}},
		{"both", Retention{MaxAge: 36 * time.Hour, MaxFiles: 4}, []string{
			PrecheckFile(now.Add(-2 * day)), RewriteFile(now.Add(-2 * day)), ReportFile(now.Add(-40*day), "3"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "report-old.xlsx"), 0o755); err != nil { // a folder is never removed
				t.Fatal(err)
			}
			for _, f := range files {
				path := filepath.Join(dir, f.name)
				if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(path, now.Add(-f.age), now.Add(-f.age)); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := Prune(dir, tt.keep, now)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(removed)
			slices.Sort(tt.want)
			if !slices.Equal(removed, tt.want) {
				t.Errorf("removed %q, want %q", removed, tt.want)
			}
			entries, _ := os.ReadDir(dir)
			if got, want := len(entries), len(files)+1-len(tt.want); got != want {
				t.Errorf("%d entries left, want %d", got, want)
			}
			for _, name := range tt.want {
				if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
					t.Errorf("%s still there", name)
				}
			}
		})
	}
}

func TestPruneMissingDir(t *testing.T) {
	if _, err := Prune(filepath.Join(t.TempDir(), "nope"), Retention{MaxFiles: 1}, time.Now()); err == nil {
		t.Error("no error for a missing folder")
	}
}

func TestFileNames(t *testing.T) {
	at := time.Date(2026, 11, 22, 4, 5, 6, 0, time.FixedZone("CET", 3600))
	for _, tt := range []struct{ got, want string }{
		{ReportFile(at, "42"), "report-20261122T030506Z-run42.xlsx"},
		{PrecheckFile(at), "precheck-20261122T030506Z.xlsx"},
		{RewriteFile(at), "precheck-20261122T030506Z-rewrite.csv"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
