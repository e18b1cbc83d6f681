package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// Separators of the variants column: unit (between a variant's fields) and
// record (between variants).
const (
	unitSep   = "\x1f"
	recordSep = "\x1e"
)

// catalogCursorKey is the meta key of the shop's catalog cursor.
const catalogCursorKey = "catalog_cursor"

// CatalogCursor is the shop's cursor for the kept catalog, "" when none is kept
// (fetch it whole).
func (s *Store) CatalogCursor(ctx context.Context) (string, error) {
	var cursor string
	err := s.read(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, catalogCursorKey).Scan(&cursor)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read the catalog cursor in %s: %w", s.path, err)
	}
	return cursor, nil
}

// Catalog returns the catalog as last fetched, by product id.
func (s *Store) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	var out []reconcile.Product
	err := s.read(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog`).Scan(&n); err != nil {
			return err
		}
		out = make([]reconcile.Product, 0, n)
		rows, err := tx.QueryContext(ctx, `SELECT id, brand, ref, category, ean, declinable, published, variants FROM catalog ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				p        reconcile.Product
				variants string
			)
			if err := rows.Scan(&p.ID, &p.Brand, &p.Ref, &p.Category, &p.EAN, &p.Declinable, &p.Published, &variants); err != nil {
				return err
			}
			if p.Variants, err = decodeVariants(variants); err != nil {
				return fmt.Errorf("product %q: %w", p.ID, err)
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read the catalog kept in %s: %w", s.path, err)
	}
	return out, nil
}

// SaveCatalog replaces the kept catalog with products, fetched whole, and keeps
// the shop's cursor for it.
func (s *Store) SaveCatalog(ctx context.Context, products []reconcile.Product, cursor string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM catalog`); err != nil {
			return err
		}
		return upsertCatalog(ctx, tx, products, nil, cursor)
	})
	if err != nil {
		return fmt.Errorf("keep the catalog in %s: %w", s.path, err)
	}
	return nil
}

// ApplyCatalogChanges updates the kept catalog with what the shop says changed
// since the last cursor — products added or changed, ids removed — and keeps the
// new cursor.
func (s *Store) ApplyCatalogChanges(ctx context.Context, changed []reconcile.Product, removed []string, cursor string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return upsertCatalog(ctx, tx, changed, removed, cursor)
	})
	if err != nil {
		return fmt.Errorf("update the catalog kept in %s: %w", s.path, err)
	}
	return nil
}

// ForgetCatalog drops the kept catalog's cursor: the next night fetches it whole.
func (s *Store) ForgetCatalog(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, catalogCursorKey)
		return err
	})
}

func upsertCatalog(ctx context.Context, tx *sql.Tx, products []reconcile.Product, removed []string, cursor string) error {
	put, err := tx.PrepareContext(ctx, `INSERT INTO catalog (id, brand, ref, category, ean, declinable, published, variants)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET brand = excluded.brand, ref = excluded.ref, category = excluded.category,
			ean = excluded.ean, declinable = excluded.declinable, published = excluded.published, variants = excluded.variants`)
	if err != nil {
		return err
	}
	defer put.Close()
	var b strings.Builder
	for i := range products {
		p := &products[i]
		if p.ID == "" {
			return fmt.Errorf("a product of brand %q ref %q has no id", p.Brand, p.Ref)
		}
		b.Reset()
		for j, v := range p.Variants {
			if j > 0 {
				b.WriteString(recordSep)
			}
			b.WriteString(v.ID + unitSep + v.Size + unitSep + v.EAN)
		}
		if _, err := put.ExecContext(ctx, p.ID, p.Brand, p.Ref, p.Category, p.EAN, p.Declinable, p.Published, b.String()); err != nil {
			return fmt.Errorf("product %q: %w", p.ID, err)
		}
	}
	for _, id := range removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM catalog WHERE id = ?`, id); err != nil {
			return fmt.Errorf("remove product %q: %w", id, err)
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, catalogCursorKey, cursor)
	return err
}

func decodeVariants(s string) ([]reconcile.Variant, error) {
	if s == "" {
		return nil, nil
	}
	recs := strings.Split(s, recordSep)
	out := make([]reconcile.Variant, len(recs))
	for i, r := range recs {
		f := strings.Split(r, unitSep)
		if len(f) != 3 {
			return nil, fmt.Errorf("variant %d: %d fields, want 3", i+1, len(f))
		}
		out[i] = reconcile.Variant{ID: f[0], Size: f[1], EAN: f[2]}
	}
	return out, nil
}
