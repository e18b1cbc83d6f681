package source

import (
	"context"
	"errors"
	"time"
)

// ErrNoExtract is returned by Fetch when no new complete extract is ready:
// no file matches, the newest one is still being written, its marker is
// missing, or it was already processed. Errors wrapping it say which.
var ErrNoExtract = errors.New("no new extract")

// Extract is a fetched extract: the archived local copy of a source file.
type Extract struct {
	Name    string    // file name at the source, e.g. "stock_20250131.csv"
	Path    string    // archived local copy
	Size    int64     // bytes
	ModTime time.Time // modification time at the source, UTC
	SHA256  string    // hex checksum of the content
}

// Source is where a site's ERP extracts come from.
//
// A Source is not meant for concurrent use: a run fetches, processes and
// then calls Done.
type Source interface {
	// Fetch takes the newest complete file matching the pattern and archives
	// it. It returns an error wrapping ErrNoExtract when none is ready.
	Fetch(ctx context.Context) (Extract, error)
	// Done is called after the run succeeded: it deletes or moves the
	// original file when the site asks for it, and remembers e so that the
	// next Fetch skips it without downloading it again.
	Done(ctx context.Context, e Extract) error
	// String describes the source for logs, e.g. "ftp://user@host:21/export".
	// It never contains a password.
	String() string
}

// Env is what the caller gives every backend besides its own settings.
type Env struct {
	// ArchiveDir is the folder extracts are archived under, as
	// ArchiveDir/YYYY/MM/<sha256[:12]>_<name>. Required.
	ArchiveDir string
	// Password is the source's secret (FTP password), read by the
	// configuration loader from the environment or a file. Never logged.
	Password string
	// Seen reports whether content with this SHA-256 was already processed
	// (the run history). Fetch checks it after downloading, before the file
	// is archived: an already processed file is dropped and Fetch returns
	// ErrNoExtract. Files found seen, and files passed to Done, are then
	// remembered by name, size and modification time so later polls skip
	// them without downloading. Optional.
	Seen func(sha256 string) bool
}
