package shopsim

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
)

// nextRev takes the catalog's next revision, for the changes tx makes.
func nextRev(ctx context.Context, tx *sql.Tx) (int64, error) {
	var rev int64
	err := tx.QueryRowContext(ctx, `UPDATE catalog_rev SET rev = rev + 1 WHERE one = 1 RETURNING rev`).Scan(&rev)
	return rev, err
}

// currentRev is the catalog's revision now, and the oldest it knows changes since.
func (s *Server) currentRev(ctx context.Context) (rev, minRev int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT rev, min_rev FROM catalog_rev WHERE one = 1`).Scan(&rev, &minRev)
	return rev, minRev, err
}

func encodeCursor(rev int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("rev:" + strconv.FormatInt(rev, 10)))
}

func decodeCursor(c string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 5 || string(b[:4]) != "rev:" {
		return 0, false
	}
	rev, err := strconv.ParseInt(string(b[4:]), 10, 64)
	return rev, err == nil && rev >= 0
}

// RemoveProducts takes products out of the catalog: the next changes list them
// as removed.
func (s *Server) RemoveProducts(ctx context.Context, ids []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("remove products: %w", err)
	}
	defer tx.Rollback()
	rev, err := nextRev(ctx, tx)
	if err != nil {
		return fmt.Errorf("remove products: %w", err)
	}
	for _, id := range ids {
		for _, q := range []string{`DELETE FROM variants WHERE product_id = ?`, `DELETE FROM stock WHERE product_id = ?`, `DELETE FROM products WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("remove product %q: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO removed_products (id, rev) VALUES (?, ?)
			ON CONFLICT(id) DO UPDATE SET rev = excluded.rev`, id, rev); err != nil {
			return fmt.Errorf("remove product %q: %w", id, err)
		}
	}
	return tx.Commit()
}

// ForgetChanges makes every cursor issued so far too old: the next changes
// request is answered 410 cursor_expired, and the client fetches the catalog whole.
func (s *Server) ForgetChanges(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.db.ExecContext(ctx, `UPDATE catalog_rev SET min_rev = rev WHERE one = 1`)
	return err
}

type changesPage struct {
	Products      []Product `json:"products"`
	Removed       []string  `json:"removed,omitempty"`
	NextPageToken string    `json:"next_page_token,omitempty"`
	Cursor        string    `json:"cursor"`
}

// handleChanges serves GET /v1/catalog/changes?since=CURSOR: the products added or
// changed since the cursor (paged like the catalog), and on the first page the ids
// removed since.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	rev, minRev, err := s.currentRev(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot read the catalog")
		return
	}
	since, ok := decodeCursor(q.Get("since"))
	if !ok || since < minRev || since > rev {
		writeError(w, http.StatusGone, "cursor_expired", "the shop no longer knows the changes since this cursor: fetch the catalog whole")
		return
	}
	var after string
	first := q.Get("page_token") == ""
	if !first {
		b, err := base64.RawURLEncoding.DecodeString(q.Get("page_token"))
		if err != nil || len(b) == 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "page_token was not issued by this shop")
			return
		}
		after = string(b)
	}
	ps, more, err := s.catalogPageWhere(r.Context(), after, limit, since)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot read the catalog")
		return
	}
	page := changesPage{Products: ps, Cursor: encodeCursor(rev)}
	if page.Products == nil {
		page.Products = []Product{}
	}
	if first {
		rows, err := s.db.QueryContext(r.Context(), `SELECT id FROM removed_products WHERE rev > ? ORDER BY id`, since)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", "cannot read the catalog")
			return
		}
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				page.Removed = append(page.Removed, id)
			}
		}
		rows.Close()
	}
	if more {
		page.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(ps[len(ps)-1].ID))
	}
	writeJSON(w, http.StatusOK, page)
}

// pageLimit reads a page's limit parameter, answering 400 when it is out of range.
func pageLimit(w http.ResponseWriter, v string) (int, bool) {
	if v == "" {
		return DefaultPageSize, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxPageSize {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("limit must be 1 to %d", MaxPageSize))
		return 0, false
	}
	return n, true
}
