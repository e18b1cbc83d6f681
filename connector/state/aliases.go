package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Alias maps a spelling a brand used to write a reference with to the canonical
// reference. CSMs keep them; the mapping package applies them.
type Alias struct {
	Brand     string // catalog brand
	OldRef    string
	Canonical string
	Note      string
	Updated   time.Time // set by PutAlias
}

// Aliases returns every alias, by brand then old reference.
func (s *Store) Aliases(ctx context.Context) ([]Alias, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT brand, old_ref, canonical, note, updated_ms
		FROM aliases ORDER BY brand, old_ref`)
	if err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	defer rows.Close()
	var out []Alias
	for rows.Next() {
		var (
			a  Alias
			ms int64
		)
		if err := rows.Scan(&a.Brand, &a.OldRef, &a.Canonical, &a.Note, &ms); err != nil {
			return nil, fmt.Errorf("list aliases: %w", err)
		}
		a.Updated = fromMillis(ms)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	return out, nil
}

// PutAlias adds the alias, or replaces the one with the same brand and old
// reference.
func (s *Store) PutAlias(ctx context.Context, a Alias) error {
	if a.Brand == "" || a.OldRef == "" || a.Canonical == "" {
		return fmt.Errorf("put alias %q/%q: brand, old and canonical reference are required", a.Brand, a.OldRef)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO aliases (brand, old_ref, canonical, note, updated_ms)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (brand, old_ref) DO UPDATE SET canonical = excluded.canonical,
				note = excluded.note, updated_ms = excluded.updated_ms`,
			a.Brand, a.OldRef, a.Canonical, a.Note, millis(time.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("put alias %q/%q: %w", a.Brand, a.OldRef, err)
	}
	return nil
}

// DeleteAlias removes the alias of brand and oldRef, or returns ErrNotFound.
func (s *Store) DeleteAlias(ctx context.Context, brand, oldRef string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM aliases WHERE brand = ? AND old_ref = ?`, brand, oldRef)
		if err != nil {
			return err
		}
		return expectOne(res)
	})
	if err != nil {
		return fmt.Errorf("delete alias %q/%q: %w", brand, oldRef, err)
	}
	return nil
}
