package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
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

// Catalog returns the catalog as last fetched, sorted by product id, with the
// publications the shop accepted since; nil when none is kept.
func (s *Store) Catalog(ctx context.Context) ([]reconcile.Product, error) {
	var out []reconcile.Product
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		out, err = keptCatalog(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the catalog kept in %s: %w", s.path, err)
	}
	return out, nil
}

// keptCatalog unpacks the kept catalog and applies the publications kept beside it.
func keptCatalog(ctx context.Context, tx *sql.Tx) ([]reconcile.Product, error) {
	// The packed value is kept in parts: read one by one into one string, the
	// value is never held whole twice (nor by SQLite).
	var size, parts int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(length(data)), 0), count(*) FROM catalog_packed`).Scan(&size, &parts); err != nil {
		return nil, err
	}
	if parts == 0 {
		return nil, nil
	}
	var b strings.Builder
	b.Grow(int(size))
	rows, err := tx.QueryContext(ctx, `SELECT data FROM catalog_packed ORDER BY part`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var part sql.RawBytes
		if err := rows.Scan(&part); err != nil {
			rows.Close()
			return nil, err
		}
		b.Write(part)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	data := b.String()
	products, err := unpackCatalog(data)
	if err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT id, published FROM catalog_published ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var (
			id        string
			published bool
		)
		if err := rows.Scan(&id, &published); err != nil {
			return nil, err
		}
		for i < len(products) && products[i].ID < id {
			i++
		}
		if i < len(products) && products[i].ID == id {
			products[i].Published = published
		}
	}
	return products, rows.Err()
}

// SaveCatalog replaces the kept catalog with products — fetched whole, or the
// kept one with the shop's changes — and keeps the shop's cursor for it.
func (s *Store) SaveCatalog(ctx context.Context, products []reconcile.Product, cursor string) error {
	for i := range products {
		if products[i].ID == "" {
			return fmt.Errorf("keep the catalog: a product of brand %q ref %q has no id", products[i].Brand, products[i].Ref)
		}
	}
	byID := func(a, b reconcile.Product) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(products, byID) {
		products = slices.Clone(products)
		slices.SortFunc(products, byID)
	}
	data := packCatalog(products)
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := putPackedCatalog(ctx, tx, len(products), data); err != nil {
			return err
		}
		return putCatalogCursor(ctx, tx, cursor)
	})
	if err != nil {
		return fmt.Errorf("keep the catalog in %s: %w", s.path, err)
	}
	return nil
}

// SaveCatalogCursor keeps the shop's cursor for the kept catalog, which its
// changes left as it was.
func (s *Store) SaveCatalogCursor(ctx context.Context, cursor string) error {
	err := s.write(ctx, func(tx *sql.Tx) error { return putCatalogCursor(ctx, tx, cursor) })
	if err != nil {
		return fmt.Errorf("keep the catalog cursor in %s: %w", s.path, err)
	}
	return nil
}

// CompactCatalog packs into the kept catalog the publications kept beside it,
// when they are many: reading them back one by one would cost more than the
// packing. It returns how many it packed.
func (s *Store) CompactCatalog(ctx context.Context) (int, error) {
	var packed int
	err := s.write(ctx, func(tx *sql.Tx) error {
		var pending, products int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog_published`).Scan(&pending); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT products FROM catalog_packed WHERE part = 0`).Scan(&products)
		switch {
		case errors.Is(err, sql.ErrNoRows): // no catalog kept: nothing to apply them to
			_, err := tx.ExecContext(ctx, `DELETE FROM catalog_published`)
			return err
		case err != nil:
			return err
		case pending < max(minCompact, products/compactShare):
			return nil
		}
		catalog, err := keptCatalog(ctx, tx)
		if err != nil {
			return err
		}
		packed = pending
		return putPackedCatalog(ctx, tx, len(catalog), packCatalog(catalog))
	})
	if err != nil {
		return 0, fmt.Errorf("pack the catalog kept in %s: %w", s.path, err)
	}
	return packed, nil
}

// The publications kept beside the packed catalog are packed in when they are
// at least minCompact and a compactShare-th of the products.
const (
	minCompact   = 1000
	compactShare = 20
)

// packedPart is the size of the parts the packed catalog is kept in.
const packedPart = 1 << 20

func putPackedCatalog(ctx context.Context, tx *sql.Tx, products int, data []byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM catalog_packed`); err != nil {
		return err
	}
	for part := 0; part == 0 || part*packedPart < len(data); part++ {
		chunk := data[part*packedPart : min((part+1)*packedPart, len(data))]
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_packed (part, products, data) VALUES (?, ?, ?)`,
			part, products, chunk); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM catalog_published`)
	return err
}

func putCatalogCursor(ctx context.Context, tx *sql.Tx, cursor string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, catalogCursorKey, cursor)
	return err
}

// ForgetCatalog drops the kept catalog's cursor: the next night fetches it whole.
func (s *Store) ForgetCatalog(ctx context.Context) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, catalogCursorKey)
		return err
	})
}
