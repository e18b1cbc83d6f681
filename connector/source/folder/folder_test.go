package folder

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/source"
	"go.yaml.in/yaml/v3"
)

// fastRules keep the tests quick: polls 30 ms apart.
var fastRules = source.Rules{StableInterval: 30 * time.Millisecond, MaxWait: 5 * time.Second, RetryBackoff: time.Millisecond}

// put writes a file of the export folder with the given modification time.
func put(t testing.TB, dir, name, content string, mod time.Time) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func newSource(t *testing.T, rules source.Rules, seen func(string) bool) (*Source, string, string) {
	t.Helper()
	export, archive := t.TempDir(), t.TempDir()
	s, err := New(Options{Path: export, Rules: rules}, source.Env{ArchiveDir: archive, Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	return s, export, archive
}

func sum(content string) string {
	h := sha256.Sum256([]byte(content))
	return hex.EncodeToString(h[:])
}

func TestFetchNewest(t *testing.T) {
	s, export, archive := newSource(t, fastRules, nil)
	day := time.Date(2025, 1, 31, 22, 0, 0, 0, time.UTC)
	put(t, export, "stock_20250130.csv", "old", day.Add(-24*time.Hour))
	put(t, export, "stock_20250131.csv", "new;1\n", day)
	put(t, export, "prices_20250201.csv", "not an extract", day.Add(time.Hour))
	put(t, export, "stock_20250129.csv", "older", day.Add(-48*time.Hour))

	e, err := s.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := source.Extract{
		Name:    "stock_20250131.csv",
		Path:    filepath.Join(archive, "2025", "01", sum("new;1\n")[:12]+"_stock_20250131.csv"),
		Size:    6,
		ModTime: day,
		SHA256:  sum("new;1\n"),
	}
	if e != want {
		t.Fatalf("Fetch() = %+v\nwant %+v", e, want)
	}
	got, err := os.ReadFile(e.Path)
	if err != nil || string(got) != "new;1\n" {
		t.Fatalf("archived copy = %q, %v", got, err)
	}
	parts, _ := filepath.Glob(filepath.Join(archive, "*", "*", "*.part"))
	if len(parts) != 0 {
		t.Errorf("temporary files left: %v", parts)
	}
}

func TestFetchNothing(t *testing.T) {
	s, export, _ := newSource(t, fastRules, nil)
	put(t, export, "readme.txt", "x", time.Now())
	if _, err := s.Fetch(context.Background()); !errors.Is(err, source.ErrNoExtract) {
		t.Fatalf("Fetch() = %v, want ErrNoExtract", err)
	}
}

func TestFetchMissingFolder(t *testing.T) {
	s, err := New(Options{Path: filepath.Join(t.TempDir(), "absent"), Rules: fastRules}, source.Env{ArchiveDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fetch(context.Background())
	if err == nil || errors.Is(err, source.ErrNoExtract) || !strings.Contains(err.Error(), "absent") {
		t.Fatalf("Fetch() = %v, want an error naming the folder", err)
	}
}

// grow appends to a file every 10 ms, n times, like an ERP writing its
// export, and closes done when finished.
func grow(t *testing.T, p string, n int) <-chan struct{} {
	t.Helper()
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer f.Close()
		for i := 0; i < n; i++ {
			f.WriteString("REF;1\n")
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return done
}

// growRules leave the writer of a growing file 25 times its pause between two
// writes before the file looks stable: a loaded machine delays a goroutine, not
// that long.
var growRules = source.Rules{StableInterval: 250 * time.Millisecond, MaxWait: 10 * time.Second, RetryBackoff: time.Millisecond}

func TestFetchWaitsForGrowingFile(t *testing.T) {
	s, export, _ := newSource(t, growRules, nil)
	done := grow(t, filepath.Join(export, "stock_20250131.csv"), 30)
	e, err := s.Fetch(context.Background())
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(30 * len("REF;1\n")); e.Size != want {
		t.Fatalf("Fetch() took the file at %d bytes, want it complete at %d", e.Size, want)
	}
	got, _ := os.ReadFile(e.Path)
	if string(got) != strings.Repeat("REF;1\n", 30) {
		t.Fatalf("archived copy is %d bytes", len(got))
	}
}

func TestFetchGivesUpOnFileThatKeepsChanging(t *testing.T) {
	rules := growRules
	rules.MaxWait = 600 * time.Millisecond
	s, export, _ := newSource(t, rules, nil)
	done := grow(t, filepath.Join(export, "stock_20250131.csv"), 100) // 1 s of writes
	defer func() { <-done }()
	_, err := s.Fetch(context.Background())
	if !errors.Is(err, source.ErrNoExtract) || !strings.Contains(err.Error(), "still changing") {
		t.Fatalf("Fetch() = %v, want ErrNoExtract still changing", err)
	}
}

func TestFetchMarker(t *testing.T) {
	tests := []struct {
		marker string
		files  []string
		ok     bool
	}{
		{".done", nil, false},
		{".done", []string{"stock_20250131.csv.done"}, true},
		{".done", []string{"stock_20250131.done"}, true},
		{".done", []string{"stock_20250131.csv.ok"}, false},
		{".done", []string{"stock_20250130.csv.done"}, false},
		{".ok", []string{"stock_20250131.csv.ok"}, true},
	}
	for _, tt := range tests {
		rules := fastRules
		rules.Marker = tt.marker
		rules.StableInterval = time.Hour // marker mode must not poll twice
		s, export, _ := newSource(t, rules, nil)
		now := time.Now()
		put(t, export, "stock_20250130.csv", "old", now.Add(-time.Hour))
		put(t, export, "stock_20250131.csv", "new", now)
		for _, m := range tt.files {
			put(t, export, m, "", now)
		}
		e, err := s.Fetch(context.Background())
		if tt.ok && (err != nil || e.Name != "stock_20250131.csv") {
			t.Errorf("marker %s with %q: Fetch() = %+v, %v; want stock_20250131.csv", tt.marker, tt.files, e, err)
		}
		if !tt.ok && !errors.Is(err, source.ErrNoExtract) {
			t.Errorf("marker %s with %q: Fetch() = %+v, %v; want ErrNoExtract", tt.marker, tt.files, e, err)
		}
	}
}

func TestFetchSkipsProcessed(t *testing.T) {
	var calls atomic.Int32
	seen := func(sha string) bool {
		calls.Add(1)
		return sha == sum("processed")
	}
	s, export, archive := newSource(t, fastRules, seen)
	put(t, export, "stock_20250131.csv", "processed", time.Now().Add(-time.Minute))

	for i := 0; i < 2; i++ {
		if _, err := s.Fetch(context.Background()); !errors.Is(err, source.ErrNoExtract) {
			t.Fatalf("fetch %d: Fetch() = %v, want ErrNoExtract", i, err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("Seen called %d times, want once: the second fetch must skip by name, size and time", n)
	}
	if files, _ := filepath.Glob(filepath.Join(archive, "*", "*", "*")); len(files) != 0 {
		t.Errorf("a processed file was archived again: %v", files)
	}

	// A new export of the same name is fetched.
	put(t, export, "stock_20250131.csv", "fresh", time.Now())
	e, err := s.Fetch(context.Background())
	if err != nil || e.SHA256 != sum("fresh") {
		t.Fatalf("Fetch() = %+v, %v; want the fresh file", e, err)
	}
	// Once done, it is skipped without being read again.
	if err := s.Done(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	before := calls.Load()
	if _, err := s.Fetch(context.Background()); !errors.Is(err, source.ErrNoExtract) {
		t.Fatalf("Fetch() after Done = %v, want ErrNoExtract", err)
	}
	if calls.Load() != before {
		t.Errorf("a file passed to Done was downloaded again")
	}
}

func TestFetchRefusesUnsafeName(t *testing.T) {
	s, export, archive := newSource(t, fastRules, nil)
	put(t, export, "stock_..csv", "x", time.Now())
	_, err := s.Fetch(context.Background())
	if !errors.Is(err, source.ErrUnsafeName) {
		t.Fatalf("Fetch() = %v, want ErrUnsafeName", err)
	}
	if files, _ := filepath.Glob(filepath.Join(archive, "*", "*", "*")); len(files) != 0 {
		t.Errorf("unsafe file archived: %v", files)
	}
}

func TestDone(t *testing.T) {
	tests := []struct {
		after string
		left  []string // files left in the export folder
		moved []string // files in the move-to folder
	}{
		{source.AfterKeep, []string{"stock_1.csv", "stock_1.csv.done"}, nil},
		{source.AfterDelete, nil, nil},
		{source.AfterMove, nil, []string{"stock_1.csv", "stock_1.csv.done"}},
	}
	for _, tt := range tests {
		moveTo := filepath.Join(t.TempDir(), "done")
		rules := fastRules
		rules.Marker, rules.After, rules.MoveTo = ".done", tt.after, moveTo
		s, export, _ := newSource(t, rules, nil)
		put(t, export, "stock_1.csv", "x", time.Now())
		put(t, export, "stock_1.csv.done", "", time.Now())
		e, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Done(context.Background(), e); err != nil {
			t.Fatalf("after %s: Done() = %v", tt.after, err)
		}
		if got := names(t, export); strings.Join(got, ",") != strings.Join(tt.left, ",") {
			t.Errorf("after %s: export folder holds %q, want %q", tt.after, got, tt.left)
		}
		if got := names(t, moveTo); strings.Join(got, ",") != strings.Join(tt.moved, ",") {
			t.Errorf("after %s: move-to folder holds %q, want %q", tt.after, got, tt.moved)
		}
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestOpenFromRegistry(t *testing.T) {
	export := t.TempDir()
	var node yaml.Node
	conf := "path: " + export + "\npattern: 'stk_*.txt'\nstable_interval: 20ms\n"
	if err := yaml.Unmarshal([]byte(conf), &node); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open(Kind, node.Content[0], source.Env{ArchiveDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if src.String() != export {
		t.Errorf("String() = %q, want %q", src.String(), export)
	}
	put(t, export, "stk_1.txt", "a", time.Now())
	if e, err := src.Fetch(context.Background()); err != nil || e.Name != "stk_1.txt" {
		t.Fatalf("Fetch() = %+v, %v", e, err)
	}
	if _, err := source.Open("smb", nil, source.Env{}); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("Open(smb) = %v, want an error listing the known kinds", err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{},
		{Path: "x", Rules: source.Rules{Marker: "done"}},
		{Path: "x", Rules: source.Rules{After: source.AfterMove}},
	} {
		if _, err := New(opts, source.Env{}); err == nil {
			t.Errorf("New(%+v) accepted", opts)
		}
	}
}

// The example in testdata decodes with every field known and is valid.
func TestExampleConfig(t *testing.T) {
	f, err := os.Open("../../../testdata/ftp/folder.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var opts Options
	if err := dec.Decode(&opts); err != nil {
		t.Fatal(err)
	}
	want := Options{Path: `C:\ERP\Export`, Rules: source.Rules{
		Pattern: "stock_*.csv", Marker: ".done", StableInterval: 10 * time.Second, MaxWait: 10 * time.Minute,
		After: source.AfterKeep, Attempts: 3, RetryBackoff: 2 * time.Second,
	}}
	if opts != want {
		t.Fatalf("decoded %+v\nwant %+v", opts, want)
	}
	if _, err := New(opts, source.Env{}); err != nil {
		t.Fatal(err)
	}
}

// With a pattern that also matches the markers ("stock_*"), the marker written
// after the extract is newer than it: it must never be taken as the extract.
func TestMarkerIsNeverTheExtract(t *testing.T) {
	for _, marker := range []string{"stock_1.csv.done", "stock_1.done"} {
		rules := fastRules
		rules.Pattern, rules.Marker = "stock_*", ".done"
		s, export, _ := newSource(t, rules, nil)
		now := time.Now()
		put(t, export, "stock_1.csv", "REF;STOCK\nA;1\n", now.Add(-time.Minute))
		put(t, export, marker, "", now)
		e, err := s.Fetch(context.Background())
		if err != nil || e.Name != "stock_1.csv" {
			t.Errorf("marker %s: Fetch() = %+v, %v; want stock_1.csv", marker, e, err)
		}
	}
}
