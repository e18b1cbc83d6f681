package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"
)

// File is one regular file of a backend's listing.
type File struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Backend is what a storage provides for Fetcher to drive it.
type Backend interface {
	// List returns the regular files of the export folder. Times must be
	// as precise as the storage allows, the same way on every call.
	List(ctx context.Context) ([]File, error)
	// Open streams the content of the named file.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
}

// Fetcher holds the rules every backend shares: selecting the newest file,
// waiting until it is complete, downloading it with bounded retries and
// archiving it. Backends keep one and call Fetch with themselves.
type Fetcher struct {
	Rules Rules // with defaults applied
	Env   Env
	// Where names the source in errors, e.g. "ftp://user@host:21/export".
	Where string
	// Temporary reports whether an error of the backend is worth another
	// try. Size mismatches are always retried. Nil means only those.
	Temporary func(error) bool

	mu   sync.Mutex
	done map[string]bool // fileKey of files known processed
}

// Fetch takes the newest complete file matching the pattern from b and
// archives it; see Source.Fetch.
func (f *Fetcher) Fetch(ctx context.Context, b Backend) (Extract, error) {
	files, err := f.list(ctx, b)
	if err != nil {
		return Extract{}, err
	}
	file, ok := newest(files, f.Rules.Pattern, f.Rules.Marker)
	if !ok {
		return Extract{}, fmt.Errorf("%w: no file matches %q in %s", ErrNoExtract, f.Rules.Pattern, f.Where)
	}
	if err := CheckName(file.Name); err != nil {
		return Extract{}, fmt.Errorf("fetch from %s: %w", f.Where, err)
	}
	if f.known(file) {
		return Extract{}, fmt.Errorf("%w: %q from %s already processed", ErrNoExtract, file.Name, f.Where)
	}
	file, err = f.waitComplete(ctx, b, file, files)
	if err != nil {
		return Extract{}, err
	}
	return f.download(ctx, b, file)
}

// Remember marks e as processed: later fetches skip the same name, size and
// modification time without downloading it.
func (f *Fetcher) Remember(e Extract) {
	f.remember(File{Name: e.Name, Size: e.Size, ModTime: e.ModTime})
}

func (f *Fetcher) remember(file File) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done == nil {
		f.done = make(map[string]bool)
	}
	f.done[fileKey(file)] = true
}

func (f *Fetcher) known(file File) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done[fileKey(file)]
}

func fileKey(file File) string {
	return fmt.Sprintf("%s\x00%d\x00%d", file.Name, file.Size, file.ModTime.UnixNano())
}

func (f *Fetcher) list(ctx context.Context, b Backend) ([]File, error) {
	var files []File
	err := f.retry(ctx, func() error {
		var err error
		files, err = b.List(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", f.Where, err)
	}
	return files, nil
}

// newest returns the file matching pattern with the latest modification
// time, the greatest name among equals. A marker file (its name ends with
// marker) is never an extract, even when the pattern matches it ("stock_*"
// matches "stock_1.csv.done").
func newest(files []File, pattern, marker string) (File, bool) {
	var best File
	found := false
	for _, file := range files {
		if ok, _ := path.Match(pattern, file.Name); !ok {
			continue
		}
		if marker != "" && strings.HasSuffix(file.Name, marker) {
			continue
		}
		if !found || file.ModTime.After(best.ModTime) ||
			(file.ModTime.Equal(best.ModTime) && file.Name > best.Name) {
			best, found = file, true
		}
	}
	return best, found
}

// waitComplete returns file once it is complete: its marker is in files,
// or its size and modification time stayed the same over two polls.
func (f *Fetcher) waitComplete(ctx context.Context, b Backend, file File, files []File) (File, error) {
	if m := f.Rules.Marker; m != "" {
		for _, marker := range MarkerNames(file.Name, m) {
			if _, ok := find(files, marker); ok {
				return file, nil
			}
		}
		return File{}, fmt.Errorf("%w: %q from %s has no %s marker yet", ErrNoExtract, file.Name, f.Where, m)
	}
	giveUp := time.Now().Add(f.Rules.MaxWait)
	for {
		if err := sleep(ctx, f.Rules.StableInterval); err != nil {
			return File{}, fmt.Errorf("wait for %q from %s: %w", file.Name, f.Where, err)
		}
		files, err := f.list(ctx, b)
		if err != nil {
			return File{}, err
		}
		now, ok := find(files, file.Name)
		if !ok {
			return File{}, fmt.Errorf("%w: %q vanished from %s", ErrNoExtract, file.Name, f.Where)
		}
		if now.Size == file.Size && now.ModTime.Equal(file.ModTime) {
			return now, nil
		}
		if time.Now().After(giveUp) {
			return File{}, fmt.Errorf("%w: %q from %s still changing after %s", ErrNoExtract, file.Name, f.Where, f.Rules.MaxWait)
		}
		file = now
	}
}

// MarkerNames returns the names a marker for name may have:
// "stock_1.csv.done" and "stock_1.done". None when marker is empty.
func MarkerNames(name, marker string) []string {
	if marker == "" {
		return nil
	}
	names := []string{name + marker}
	if stem := strings.TrimSuffix(name, path.Ext(name)); stem != name {
		names = append(names, stem+marker)
	}
	return names
}

func find(files []File, name string) (File, bool) {
	for _, file := range files {
		if file.Name == name {
			return file, true
		}
	}
	return File{}, false
}

// retry runs op up to Rules.Attempts times while it fails with a temporary
// error, doubling the wait between tries.
func (f *Fetcher) retry(ctx context.Context, op func() error) error {
	wait := f.Rules.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || attempt >= f.Rules.Attempts || ctx.Err() != nil || !f.temporary(err) {
			return err
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait *= 2
	}
}

func (f *Fetcher) temporary(err error) bool {
	if errors.Is(err, ErrSizeMismatch) {
		return true
	}
	return f.Temporary != nil && f.Temporary(err)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
