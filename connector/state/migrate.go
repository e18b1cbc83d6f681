package state

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are the schema steps built into this binary, in order.
var migrations = mustLoadMigrations(migrationFiles, "migrations")

// migration is one numbered schema step: migrations/NNNN_name.sql brings the
// schema to version NNNN.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the NNNN_name.sql files of dir. Versions must run 1, 2, 3…
// without gaps.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q: name must be NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

func mustLoadMigrations(fsys fs.FS, dir string) []migration {
	ms, err := loadMigrations(fsys, dir)
	if err != nil {
		panic(err) // the embedded files are part of the binary: a bad one is a build defect
	}
	return ms
}

// ErrTooNew is returned by Open for a state file whose schema is newer than this
// binary knows: it was written by a newer ecrin and must not be touched.
var ErrTooNew = errors.New("state schema is newer than this ecrin")

// migrate brings db to the last of ms, applying each missing migration in its own
// transaction together with the new PRAGMA user_version, so a crash leaves the
// file at one version or the next, never in between.
func migrate(ctx context.Context, db *sql.DB, ms []migration) error {
	for _, m := range ms {
		if err := apply(ctx, db, m, len(ms)); err != nil {
			return err
		}
	}
	return nil
}

// apply runs m unless the file already has it. The version is read inside the
// write transaction: another process may have migrated the file meanwhile.
func apply(ctx context.Context, db *sql.DB, m migration, latest int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate to version %d: begin: %w", m.version, err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > latest {
		return fmt.Errorf("%w: file is at version %d, this binary knows up to %d", ErrTooNew, v, latest)
	}
	if v >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate to version %d (%s): %w", m.version, m.name, err)
	}
	// PRAGMA takes no bound parameters; m.version is an int.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return fmt.Errorf("migrate to version %d: set user_version: %w", m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate to version %d: commit: %w", m.version, err)
	}
	return nil
}
