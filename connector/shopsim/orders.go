package shopsim

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
)

// OrderLine is one line of a web order: a product (VariantID empty) or a size.
type OrderLine struct {
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Quantity  int    `json:"quantity"`
}

// openLine is an open order's line on the protocol's GET /v1/orders.
type openLine struct {
	Order     string `json:"order"`
	PlacedAt  string `json:"placed_at"`
	ProductID string `json:"product_id"`
	VariantID string `json:"variant_id,omitempty"`
	Ref       string `json:"ref"`
	Size      string `json:"size,omitempty"`
	Quantity  int    `json:"quantity"`
	line      int    // within its order: the page cursor
}

// Order statuses.
const (
	orderOpen      = "open"
	orderFulfilled = "fulfilled"
)

// ErrNotForSale is a web order for more than the shop may sell.
var ErrNotForSale = errors.New("not for sale")

// Sellable returns what a customer may still buy of a product (VariantID empty) or
// a size: the stock on hand ecrin pushed, less the open web orders. The shop
// keeps the reservation: ecrin pushes on-hand quantities.
func (s *Server) Sellable(ctx context.Context, productID, variantID string) (int, error) {
	return sellable(ctx, s.db, productID, variantID)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func sellable(ctx context.Context, q querier, productID, variantID string) (int, error) {
	var onHand, reserved int
	var published bool
	err := q.QueryRowContext(ctx, `SELECT published, quantity FROM stock WHERE product_id = ? AND variant_id = ?`,
		productID, variantID).Scan(&published, &onHand)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE o.status = 'open' AND l.product_id = ? AND l.variant_id = ?`, productID, variantID).Scan(&reserved); err != nil {
		return 0, err
	}
	if !published {
		return 0, nil
	}
	return max(onHand-reserved, 0), nil
}

// PlaceOrder takes a web order, as the storefront would: each line must be for
// sale (published, and sellable quantity enough). The order stays open — its
// quantities reserved — until FulfilOrder. It returns the order number.
func (s *Server) PlaceOrder(ctx context.Context, lines []OrderLine) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(lines) == 0 {
		return "", errors.New("place order: no lines")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("place order: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orders`).Scan(&n); err != nil {
		return "", fmt.Errorf("place order: %w", err)
	}
	id := fmt.Sprintf("W%06d", n+1)
	if _, err := tx.ExecContext(ctx, `INSERT INTO orders (id, placed_at, status) VALUES (?, ?, ?)`,
		id, formatTime(s.now()), orderOpen); err != nil {
		return "", fmt.Errorf("place order: %w", err)
	}
	for i, l := range lines {
		left, err := sellable(ctx, tx, l.ProductID, l.VariantID)
		if err != nil {
			return "", fmt.Errorf("place order: %w", err)
		}
		if l.Quantity < 1 || l.Quantity > left {
			return "", fmt.Errorf("place order: %s/%s: %d wanted, %d for sale: %w", l.ProductID, l.VariantID, l.Quantity, left, ErrNotForSale)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO order_lines (order_id, line, product_id, variant_id, quantity)
			VALUES (?, ?, ?, ?, ?)`, id, i+1, l.ProductID, l.VariantID, l.Quantity); err != nil {
			return "", fmt.Errorf("place order: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return "", fmt.Errorf("place order: %w", err)
	}
	return id, nil
}

// FulfilOrder ships an open order: the pieces leave the boutique, so the shop
// takes them off its on-hand stock and releases the reservation.
func (s *Server) FulfilOrder(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fulfil order %s: %w", id, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE orders SET status = ? WHERE id = ? AND status = ?`, orderFulfilled, id, orderOpen)
	if err != nil {
		return fmt.Errorf("fulfil order %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("fulfil order %s: no such open order", id)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stock SET quantity = quantity - (SELECT SUM(l.quantity) FROM order_lines l
			WHERE l.order_id = ? AND l.product_id = stock.product_id AND l.variant_id = stock.variant_id)
		WHERE EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = ? AND l.product_id = stock.product_id AND l.variant_id = stock.variant_id)`,
		id, id); err != nil {
		return fmt.Errorf("fulfil order %s: %w", id, err)
	}
	return tx.Commit()
}

// openLines returns a page of the open orders' lines, by order then line, after
// the cursor (order id and line).
func (s *Server) openLines(ctx context.Context, afterOrder string, afterLine, limit int) ([]openLine, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.placed_at, l.line, l.product_id, l.variant_id, l.quantity,
			COALESCE(p.ref, ''), COALESCE(v.size, '')
		FROM order_lines l JOIN orders o ON o.id = l.order_id
		LEFT JOIN products p ON p.id = l.product_id
		LEFT JOIN variants v ON v.product_id = l.product_id AND v.id = l.variant_id
		WHERE o.status = 'open' AND (o.id > ? OR (o.id = ? AND l.line > ?))
		ORDER BY o.id, l.line LIMIT ?`, afterOrder, afterOrder, afterLine, limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []openLine
	for rows.Next() {
		var l openLine
		if err := rows.Scan(&l.Order, &l.PlacedAt, &l.line, &l.ProductID, &l.VariantID, &l.Quantity, &l.Ref, &l.Size); err != nil {
			return nil, false, err
		}
		out = append(out, l)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, rows.Err()
}

type ordersPage struct {
	Lines         []openLine `json:"lines"`
	NextPageToken string     `json:"next_page_token,omitempty"`
}

// handleOrders serves GET /v1/orders?status=open: the lines of the open web orders.
func (s *Server) handleOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if st := q.Get("status"); st != "" && st != orderOpen {
		writeError(w, http.StatusBadRequest, "bad_request", "status must be open")
		return
	}
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	var afterOrder string
	var afterLine int
	if tok := q.Get("page_token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		var order string
		var line int
		if err == nil {
			_, err = fmt.Sscanf(string(b), "%s %d", &order, &line)
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "page_token was not issued by this shop")
			return
		}
		afterOrder, afterLine = order, line
	}
	lines, more, err := s.openLines(r.Context(), afterOrder, afterLine, limit)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot read the orders")
		return
	}
	page := ordersPage{Lines: lines}
	if page.Lines == nil {
		page.Lines = []openLine{}
	}
	if more {
		last := lines[len(lines)-1]
		page.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s %d", last.Order, last.line)))
	}
	writeJSON(w, http.StatusOK, page)
}
