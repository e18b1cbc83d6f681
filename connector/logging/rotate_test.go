package logging

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestRotatingFileRotatesAndKeeps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "ecrin.log")
	r, err := OpenRotating(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("x", 39) + "\n" // 40 bytes: two lines per file
	for i := range 7 {
		if _, err := fmt.Fprintf(r, "%d%s", i, line[1:]); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	// Lines 0..6, two per file: path.3 would hold 0-1 but only 2 are kept.
	want := map[string]string{
		"ecrin.log":   "6",
		"ecrin.log.1": "45",
		"ecrin.log.2": "23",
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d files, want %d", len(entries), len(want))
	}
	for name, firsts := range want {
		b, err := os.ReadFile(filepath.Join(dir, "logs", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 100 {
			t.Errorf("%s is %d bytes, over the limit", name, len(b))
		}
		var got strings.Builder
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			got.WriteByte(l[0])
		}
		if got.String() != firsts {
			t.Errorf("%s holds lines %q, want %q", name, got.String(), firsts)
		}
	}
}

func TestRotatingFileAppendsOnReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ecrin.log")
	for _, s := range []string{"first\n", "second\n"} {
		r, err := OpenRotating(path, 1<<20, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	b, _ := os.ReadFile(path)
	if string(b) != "first\nsecond\n" {
		t.Errorf("file holds %q", b)
	}
}

func TestRotatingFileNoBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ecrin.log")
	r, err := OpenRotating(path, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Write([]byte("12345678\n"))
	r.Write([]byte("abcdefgh\n"))
	r.Close()
	b, _ := os.ReadFile(path)
	if string(b) != "abcdefgh\n" {
		t.Errorf("file holds %q", b)
	}
	if _, err := os.Stat(path + ".1"); !os.IsNotExist(err) {
		t.Errorf("a backup exists with max_files 0: %v", err)
	}
}

// Concurrent writers never interleave inside a line, and no line is lost.
func TestRotatingFileConcurrent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ecrin.log")
	r, err := OpenRotating(path, 4096, 100)
	if err != nil {
		t.Fatal(err)
	}
	const writers, lines = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(r, "writer=%d line=%03d %s\n", w, i, strings.Repeat("-", 20))
			}
		})
	}
	wg.Wait()
	r.Close()
	files, _ := filepath.Glob(path + "*")
	total := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if !strings.HasPrefix(l, "writer=") || !strings.HasSuffix(l, strings.Repeat("-", 20)) {
				t.Fatalf("torn line %q in %s", l, f)
			}
			total++
		}
	}
	if total != writers*lines {
		t.Errorf("%d lines written, want %d", total, writers*lines)
	}
}

func TestOpenRotatingRejectsZeroSize(t *testing.T) {
	if _, err := OpenRotating(filepath.Join(t.TempDir(), "x.log"), 0, 1); err == nil {
		t.Error("OpenRotating accepted a size limit of 0")
	}
}
