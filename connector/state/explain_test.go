package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// codeError stands for a SQLite error with its (extended) result code.
type codeError int

func (e codeError) Error() string { return fmt.Sprintf("sqlite error (%d)", int(e)) }
func (e codeError) Code() int     { return int(e) }

func TestExplainNamesTheFileOrFolder(t *testing.T) {
	path := filepath.Join("/srv", "ecrin", "state.db")
	tests := []struct {
		code int
		is   error
		want string
	}{
		{13, ErrDiskFull, "the disk holding the data folder /srv/ecrin is full"},
		{4874, ErrDiskFull, "the disk holding the data folder /srv/ecrin is full"},
		{778, ErrDiskFull, "is full"},
		{266, nil, "the state file /srv/ecrin/state.db cannot be read or written"},
		{8, ErrReadOnly, "the state file /srv/ecrin/state.db is read-only"},
		{1032, ErrReadOnly, "is read-only"},
		{14, nil, "the folder /srv/ecrin exists"},
		{26, nil, "/srv/ecrin/state.db is not an ecrin state file"},
	}
	for _, tt := range tests {
		err := explain(fmt.Errorf("migrate to version 1: begin: %w", codeError(tt.code)), path)
		if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), fmt.Sprintf("(%d)", tt.code)) {
			t.Errorf("code %d: %v, want %q and the SQLite message", tt.code, err, tt.want)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("code %d: not %v", tt.code, tt.is)
		}
		if !errors.Is(err, codeError(tt.code)) {
			t.Errorf("code %d: the SQLite error is not kept", tt.code)
		}
		if again := explain(err, path); again != err {
			t.Errorf("code %d: explained twice: %v", tt.code, again)
		}
	}
	if err := errors.New("plain"); explain(err, path) != err {
		t.Error("an error without a code changed")
	}
}

// tinyDisk mounts a small tmpfs (root only, with ECRIN_INTEGRATION=1: the tests
// that need a real full or read-only disk).
func tinyDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Getenv("ECRIN_INTEGRATION") != "1" || os.Geteuid() != 0 {
		t.Skip("needs ECRIN_INTEGRATION=1 and root to mount a tmpfs")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// Disk nearly full at start: "migrate to version 1: begin: disk I/O error (4874)"
// becomes a sentence that says the disk is full and which folder.
func TestOpenOnAFullDisk(t *testing.T) {
	dir := tinyDisk(t, "48k")
	if err := os.WriteFile(filepath.Join(dir, "fill"), make([]byte, 40<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), filepath.Join(dir, "state.db"))
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "data folder "+dir+" is full") {
		t.Fatalf("Open on a full disk: %v", err)
	}
}

// A read-only state file is named.
func TestOpenReadOnly(t *testing.T) {
	dir := tinyDisk(t, "4m")
	path := filepath.Join(dir, "state.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Skipf("remount read-only: %v %s", err, out)
	}
	_, err = Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) || !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "the state file "+path+" is read-only") {
		t.Fatalf("Open read-only: %v", err)
	}
	t.Log(err)
}

// A state file others made read-only (no root needed; root writes anyway).
func TestOpenReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes a read-only file")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), path)
	if err == nil {
		err = s.write(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec("PRAGMA user_version = 99")
			return err
		})
		s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("writing a read-only state file: %v, want an error naming it", err)
	}
}
