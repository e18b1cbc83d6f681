package shopsim

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

const schema = `
CREATE TABLE IF NOT EXISTS products (
	id         TEXT PRIMARY KEY,
	brand      TEXT NOT NULL,
	ref        TEXT NOT NULL,
	category   TEXT NOT NULL DEFAULT '',
	ean        TEXT NOT NULL DEFAULT '',
	declinable INTEGER NOT NULL,
	published  INTEGER NOT NULL,
	rev        INTEGER NOT NULL DEFAULT 0 -- the catalog revision that last changed it
);
CREATE INDEX IF NOT EXISTS products_rev ON products(rev);
CREATE TABLE IF NOT EXISTS removed_products (
	id  TEXT PRIMARY KEY,
	rev INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_rev (
	one     INTEGER PRIMARY KEY CHECK (one = 1),
	rev     INTEGER NOT NULL, -- the catalog's current revision: the cursor a listing starts at
	min_rev INTEGER NOT NULL  -- changes since an older cursor are no longer known
);
INSERT OR IGNORE INTO catalog_rev (one, rev, min_rev) VALUES (1, 0, 0);
CREATE TABLE IF NOT EXISTS variants (
	product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	size       TEXT NOT NULL,
	ean        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (product_id, id)
);
CREATE TABLE IF NOT EXISTS stock (
	product_id   TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	variant_id   TEXT NOT NULL DEFAULT '',
	published    INTEGER NOT NULL,
	availability TEXT NOT NULL,
	quantity     INTEGER NOT NULL,
	price_cents  INTEGER NOT NULL,
	restock_days INTEGER NOT NULL,
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (product_id, variant_id)
);
CREATE TABLE IF NOT EXISTS batches (
	idem_key    TEXT PRIMARY KEY,
	body_sha256 TEXT NOT NULL,
	response    BLOB NOT NULL,
	accepted    INTEGER NOT NULL,
	rejected    INTEGER NOT NULL,
	apply_count INTEGER NOT NULL,
	replays     INTEGER NOT NULL DEFAULT 0,
	applied_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_body ON batches(body_sha256);
CREATE TABLE IF NOT EXISTS orders (
	id        TEXT PRIMARY KEY,
	placed_at TEXT NOT NULL,
	status    TEXT NOT NULL -- open | fulfilled | cancelled
);
CREATE TABLE IF NOT EXISTS order_lines (
	order_id   TEXT NOT NULL REFERENCES orders(id),
	line       INTEGER NOT NULL,
	product_id TEXT NOT NULL,
	variant_id TEXT NOT NULL DEFAULT '',
	quantity   INTEGER NOT NULL,
	PRIMARY KEY (order_id, line)
);
CREATE INDEX IF NOT EXISTS order_lines_target ON order_lines(product_id, variant_id);
CREATE TABLE IF NOT EXISTS runs (
	run_id        TEXT PRIMARY KEY,
	summary       BLOB NOT NULL,
	report_name   TEXT NOT NULL,
	report        BLOB,
	report_sha256 TEXT NOT NULL,
	uploads       INTEGER NOT NULL,
	uploaded_at   TEXT NOT NULL
);
`

// openDB opens (creating when needed) the SQLite file at path with WAL, a busy
// timeout and foreign keys, and creates the schema.
func openDB(path string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open shopsim database %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and the server serialises its writes.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create shopsim schema in %s: %w", path, err)
	}
	return db, nil
}

// LoadCatalog adds the products to the catalog, replacing those with the same id (and
// their variants) but keeping their stock rows.
func (s *Server) LoadCatalog(ctx context.Context, products []Product) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	defer tx.Rollback()
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO products (id, brand, ref, category, ean, declinable, published, rev)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET brand=excluded.brand, ref=excluded.ref, category=excluded.category,
		ean=excluded.ean, declinable=excluded.declinable, published=excluded.published, rev=excluded.rev`)
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	delVariants, err := tx.PrepareContext(ctx, `DELETE FROM variants WHERE product_id = ?`)
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	addVariant, err := tx.PrepareContext(ctx, `INSERT INTO variants (product_id, id, size, ean) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	for _, p := range products {
		if p.ID == "" {
			return fmt.Errorf("load catalog: a product of brand %q ref %q has no id", p.Brand, p.Ref)
		}
		if _, err := up.ExecContext(ctx, p.ID, p.Brand, p.Ref, p.Category, p.EAN, p.Declinable, p.Published, rev); err != nil {
			return fmt.Errorf("load catalog product %q: %w", p.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM removed_products WHERE id = ?`, p.ID); err != nil {
			return fmt.Errorf("load catalog product %q: %w", p.ID, err)
		}
		if _, err := delVariants.ExecContext(ctx, p.ID); err != nil {
			return fmt.Errorf("load catalog product %q: %w", p.ID, err)
		}
		for _, v := range p.Variants {
			if _, err := addVariant.ExecContext(ctx, p.ID, v.ID, v.Size, v.EAN); err != nil {
				return fmt.Errorf("load catalog product %q variant %q: %w", p.ID, v.ID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("load catalog: %w", err)
	}
	return nil
}

// LoadCatalogFile loads a JSON catalog file: an array of products, or an object
// {"products": [...]} (a catalog page).
func (s *Server) LoadCatalogFile(ctx context.Context, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read catalog: %w", err)
	}
	products, err := decodeCatalog(data)
	if err != nil {
		return fmt.Errorf("read catalog %s: %w", path, err)
	}
	return s.LoadCatalog(ctx, products)
}

// decodeCatalog decodes an array of products or an object {"products": [...]}.
func decodeCatalog(data []byte) ([]Product, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var ps []Product
		if err := json.Unmarshal(data, &ps); err != nil {
			return nil, err
		}
		return ps, nil
	}
	var page struct {
		Products []Product `json:"products"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, err
	}
	return page.Products, nil
}

// catalogPage returns up to limit products with an id after the given one, by id,
// and whether more follow.
func (s *Server) catalogPage(ctx context.Context, after string, limit int) ([]Product, bool, error) {
	return s.catalogPageWhere(ctx, after, limit, -1)
}

// catalogPageWhere is a page of the products changed after revision since (-1:
// all of them), by id after after.
func (s *Server) catalogPageWhere(ctx context.Context, after string, limit int, since int64) ([]Product, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, brand, ref, category, ean, declinable, published
		FROM products WHERE id > ? AND rev > ? ORDER BY id LIMIT ?`, after, since, limit+1)
	if err != nil {
		return nil, false, err
	}
	var ps []Product
	for rows.Next() {
		var p Product
		if err := rows.Scan(&p.ID, &p.Brand, &p.Ref, &p.Category, &p.EAN, &p.Declinable, &p.Published); err != nil {
			rows.Close()
			return nil, false, err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(ps) > limit
	if more {
		ps = ps[:limit]
	}
	if len(ps) == 0 {
		return ps, false, nil
	}
	index := make(map[string]int, len(ps))
	for i, p := range ps {
		index[p.ID] = i
	}
	rows, err = s.db.QueryContext(ctx, `SELECT product_id, id, size, ean FROM variants
		WHERE product_id >= ? AND product_id <= ? ORDER BY product_id, id`, ps[0].ID, ps[len(ps)-1].ID)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var v Variant
		if err := rows.Scan(&pid, &v.ID, &v.Size, &v.EAN); err != nil {
			return nil, false, err
		}
		if i, ok := index[pid]; ok {
			ps[i].Variants = append(ps[i].Variants, v)
		}
	}
	return ps, more, rows.Err()
}

// State returns every product (VariantID empty) and every variant with the stock
// values the shop holds, by product then variant.
func (s *Server) State(ctx context.Context) ([]StockState, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT p.id, '', s.product_id IS NOT NULL, p.published, COALESCE(s.availability, ''),
			COALESCE(s.quantity, 0), COALESCE(s.price_cents, 0), COALESCE(s.restock_days, 0), COALESCE(s.updated_at, '')
		FROM products p LEFT JOIN stock s ON s.product_id = p.id AND s.variant_id = ''
		UNION ALL
		SELECT v.product_id, v.id, s.product_id IS NOT NULL, COALESCE(s.published, 0), COALESCE(s.availability, ''),
			COALESCE(s.quantity, 0), COALESCE(s.price_cents, 0), COALESCE(s.restock_days, 0), COALESCE(s.updated_at, '')
		FROM variants v LEFT JOIN stock s ON s.product_id = v.product_id AND s.variant_id = v.id
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("read shop state: %w", err)
	}
	defer rows.Close()
	var out []StockState
	for rows.Next() {
		var st StockState
		var updated string
		if err := rows.Scan(&st.ProductID, &st.VariantID, &st.Pushed, &st.Published, &st.Availability,
			&st.Quantity, &st.PriceCents, &st.RestockDays, &updated); err != nil {
			return nil, fmt.Errorf("read shop state: %w", err)
		}
		if updated != "" {
			st.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read shop state: %w", err)
	}
	return out, nil
}

// Stats counts what the shop did.
func (s *Server) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(apply_count), 0), COALESCE(SUM(replays), 0),
		COALESCE(SUM(accepted), 0), COALESCE(SUM(rejected), 0), COALESCE(SUM(apply_count > 1), 0)
		FROM batches`).Scan(&st.BatchesApplied, &st.Replays, &st.ItemsAccepted, &st.ItemsRejected, &st.KeysAppliedTwice)
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM
			(SELECT body_sha256 FROM batches GROUP BY body_sha256 HAVING COUNT(*) > 1)`).Scan(&st.BodiesAppliedTwice)
	}
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM runs`).Scan(&st.RunsUploaded)
	}
	if err != nil {
		return Stats{}, fmt.Errorf("read shop stats: %w", err)
	}
	return st, nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
