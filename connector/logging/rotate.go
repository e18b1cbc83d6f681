package logging

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// RotatingFile is an io.Writer to a file that is renamed path.1 when the next
// write would make it larger than its size limit; path.1 becomes path.2 and so
// on, and the oldest beyond the kept count is removed. It is safe for
// concurrent use; each Write lands whole in one file.
type RotatingFile struct {
	path     string
	maxSize  int64
	maxFiles int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenRotating opens (appending) or creates path, and its directory.
func OpenRotating(path string, maxSize int64, maxFiles int) (*RotatingFile, error) {
	if maxSize < 1 {
		return nil, fmt.Errorf("open log %s: size limit %d is not positive", path, maxSize)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create log directory for %s: %w", path, err)
	}
	r := &RotatingFile{path: path, maxSize: maxSize, maxFiles: max(maxFiles, 0)}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// Write appends p, rotating first when p would not fit.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil && r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	if r.f == nil { // a previous rotation failed to reopen: try again
		if err := r.open(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("write log %s: %w", r.path, err)
	}
	return n, nil
}

// Close closes the current file.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	if err != nil {
		return fmt.Errorf("close log %s: %w", r.path, err)
	}
	return nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open log %s: %w", r.path, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("stat log %s: %w", r.path, err)
	}
	r.f, r.size = f, info.Size()
	return nil
}

// rotate shifts path.N-1 → path.N … path → path.1 and reopens path. The file
// is closed before it is renamed, as Windows requires.
func (r *RotatingFile) rotate() error {
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("close log %s for rotation: %w", r.path, err)
	}
	r.f = nil
	if r.maxFiles == 0 {
		if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotate log %s: %w", r.path, err)
		}
		return r.open()
	}
	if err := os.Remove(r.name(r.maxFiles)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("rotate log %s: %w", r.path, err)
	}
	for i := r.maxFiles - 1; i >= 0; i-- {
		if err := os.Rename(r.name(i), r.name(i+1)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotate log %s: %w", r.path, err)
		}
	}
	return r.open()
}

// name returns the file of generation i: path itself for 0, path.i after.
func (r *RotatingFile) name(i int) string {
	if i == 0 {
		return r.path
	}
	return r.path + "." + strconv.Itoa(i)
}
