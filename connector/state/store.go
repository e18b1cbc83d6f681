package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a run, a run's data, a batch or an alias does not
// exist.
var ErrNotFound = errors.New("not found")

// busyTimeout is how long a connection waits for another process's lock.
const busyTimeout = 5 * time.Second

// Store is a site's state file. Its methods are safe for concurrent use.
type Store struct {
	db      *sql.DB // the one writer connection
	readers *sql.DB // read transactions, side by side (WAL): a run loads its state while it fetches
	path    string
}

// maxReaders is how many read transactions a store runs at once.
const maxReaders = 3

// readerCacheKiB is the page cache of each read connection, in KiB. The readers
// scan (the acknowledged state, the kept catalog's parts, a run's data): a page
// is read once per night, and SQLite's default of 2 MiB a connection only held
// memory — 4 MiB of a 50,000-article night's 60 MB. The writer keeps the
// default: it looks up the acknowledged state item by item.
const readerCacheKiB = 256

// Open opens (creating it if needed) the state file at path and brings its schema up
// to date. It refuses a file written by a newer ecrin.
func Open(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, explain(err, path))
	}
	// One connection: the site's single writer. Write transactions begin
	// IMMEDIATE (see dsn) so two processes queue on the lock instead of failing
	// to upgrade a read lock.
	db.SetMaxOpenConns(1)
	// A new file gives back the space of what retention removes: auto_vacuum is
	// set before the first table exists. An older file is converted just after.
	if _, err := db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, explain(err, path))
	}
	if err := migrate(ctx, db, migrations); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, explain(err, path))
	}
	readers, err := sql.Open("sqlite", dsn(path)+fmt.Sprintf("&_pragma=cache_size(-%d)", readerCacheKiB))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, explain(err, path))
	}
	readers.SetMaxOpenConns(maxReaders)
	s := &Store{db: db, readers: readers, path: path}
	// A file written before retention (auto_vacuum NONE) is rewritten once by
	// VACUUM. It needs free space about the file's size: when that fails the file
	// works as it is, and the next Prune tries again.
	_ = s.incrementalVacuumOn(ctx)
	return s, nil
}

// incrementalVacuumOn switches a file whose auto_vacuum is NONE to INCREMENTAL:
// the setting only takes effect on a file with tables through one VACUUM, which
// rewrites the whole file. It does nothing on a file already switched.
func (s *Store) incrementalVacuumOn(ctx context.Context) error {
	var mode int
	if err := s.db.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return fmt.Errorf("read auto_vacuum of %s: %w", s.path, explain(err, s.path))
	}
	if mode != 0 {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		return fmt.Errorf("set auto_vacuum of %s: %w", s.path, explain(err, s.path))
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM"); err != nil {
		return fmt.Errorf("rewrite %s to give space back (VACUUM): %w", s.path, explain(err, s.path))
	}
	return nil
}

// dsn is the modernc.org/sqlite connection string: WAL, a busy timeout, foreign
// keys, NORMAL sync (safe with WAL: a power cut loses at most the last commits,
// never consistency) and IMMEDIATE write transactions.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	p := filepath.ToSlash(path)
	if v := filepath.VolumeName(path); len(v) == 2 { // C: — SQLite wants file:/C:/…
		p = "/" + p
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()
}

// Close closes the file.
func (s *Store) Close() error {
	if err := errors.Join(s.readers.Close(), s.db.Close()); err != nil {
		return fmt.Errorf("close state %s: %w", s.path, err)
	}
	return nil
}

// write runs fn in an IMMEDIATE transaction and commits it when fn succeeds.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", explain(err, s.path))
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return explain(err, s.path)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", explain(err, s.path))
	}
	return nil
}

// SQLite result codes explain names (https://sqlite.org/rescode.html).
const (
	sqliteReadOnly   = 8
	sqliteIOErr      = 10
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteNotADB     = 26
	sqliteIOErrWrite = sqliteIOErr | 3<<8  // SQLITE_IOERR_WRITE
	sqliteIOErrSHM   = sqliteIOErr | 19<<8 // SQLITE_IOERR_SHMSIZE: the -shm file cannot grow
)

// ErrDiskFull and ErrReadOnly classify the state errors a boutique can fix itself.
var (
	ErrDiskFull = errors.New("the disk is full")
	ErrReadOnly = errors.New("the state file cannot be written")
)

// explain turns the SQLite errors an operator can act on into a sentence that
// names the file or the folder and what to do; the SQLite message stays at the
// end. Other errors are returned as they are.
func explain(err error, path string) error {
	var c interface{ Code() int }
	var done *explained
	if err == nil || errors.As(err, &done) || !errors.As(err, &c) {
		return err
	}
	dir := filepath.Dir(path)
	code := c.Code()
	switch {
	case code&0xff == sqliteFull, code == sqliteIOErrSHM, code == sqliteIOErrWrite:
		return &explained{kind: ErrDiskFull, err: err, msg: fmt.Sprintf(
			"the disk holding the data folder %s is full (or failing): free space there; ecrin sends nothing until it can write its state", dir)}
	case code&0xff == sqliteIOErr:
		return &explained{err: err, msg: fmt.Sprintf(
			"the state file %s cannot be read or written (disk I/O error): check that the disk holding %s has free space and works", path, dir)}
	case code&0xff == sqliteReadOnly, code&0xff == sqliteCantOpen && readOnly(path):
		return &explained{kind: ErrReadOnly, err: err, msg: fmt.Sprintf(
			"the state file %s is read-only: give the service account write access to it and to its folder %s (the -wal and -shm files beside it too)", path, dir)}
	case code&0xff == sqliteCantOpen:
		return &explained{err: err, msg: fmt.Sprintf(
			"the state file %s cannot be opened: check that the folder %s exists and that the service account may write in it", path, dir)}
	case code&0xff == sqliteNotADB:
		return &explained{err: err, msg: fmt.Sprintf(
			"%s is not an ecrin state file, or it is damaged: move it aside (ecrin starts a new one) and tell support", path)}
	}
	return err
}

// readOnly tells whether the file at path exists but cannot be opened for writing
// (its mode, or a read-only disk).
func readOnly(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		f.Close()
		return false
	}
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// explained is an error with the sentence an operator acts on.
type explained struct {
	kind error // ErrDiskFull, ErrReadOnly or nil
	msg  string
	err  error
}

func (e *explained) Error() string { return e.msg + ": " + e.err.Error() }
func (e *explained) Unwrap() []error {
	if e.kind != nil {
		return []error{e.kind, e.err}
	}
	return []error{e.err}
}

// read runs fn in a read transaction: one consistent snapshot that does not take
// the write lock.
func (s *Store) read(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.readers.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// millis converts t to unix milliseconds; the zero time is 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis converts unix milliseconds to a UTC time; 0 is the zero time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
