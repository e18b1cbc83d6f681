package shopsim

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

type batchRequest struct {
	Items []Item `json:"items"`
}

type batchResponse struct {
	Results []ItemResult `json:"results"`
}

// errKeyReused is a key already applied with another body.
var errKeyReused = errors.New("idempotency key reused with another body")

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get(HeaderIdemKey)
	if !validKey(key) {
		writeError(w, http.StatusBadRequest, "missing_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters")
		return
	}
	body, _ := io.ReadAll(r.Body) // already read and checked by authenticate
	if len(body) > MaxBatchBody {
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "a batch body is at most 8 MiB")
		return
	}
	var req batchRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "the body is not a batch: "+err.Error())
		return
	}
	if len(req.Items) == 0 || len(req.Items) > MaxBatchItems {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("a batch has 1 to %d items", MaxBatchItems))
		return
	}
	sum := sha256.Sum256(body)
	resp, replay, err := s.applyBatch(r.Context(), key, hex.EncodeToString(sum[:]), req.Items)
	switch {
	case errors.Is(err, errKeyReused):
		writeError(w, http.StatusUnprocessableEntity, "idempotency_key_reused", err.Error())
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, "internal", "cannot apply the batch")
		return
	}
	if replay {
		w.Header().Set(HeaderIdemReplay, "true")
	}
	writeBody(w, http.StatusOK, resp)
}

// validKey reports whether k is 1 to 255 printable ASCII characters.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// applyBatch applies items under key, in one transaction that also records the key
// and the answer. A key already recorded with the same body hash returns the kept
// answer and replay=true, without applying anything.
func (s *Server) applyBatch(ctx context.Context, key, bodyHash string, items []Item) (resp []byte, replay bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()

	var keptHash string
	err = tx.QueryRowContext(ctx, `SELECT body_sha256, response FROM batches WHERE idem_key = ?`, key).Scan(&keptHash, &resp)
	switch {
	case err == nil:
		if keptHash != bodyHash {
			return nil, false, errKeyReused
		}
		if _, err := tx.ExecContext(ctx, `UPDATE batches SET replays = replays + 1 WHERE idem_key = ?`, key); err != nil {
			return nil, false, err
		}
		return resp, true, tx.Commit()
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, err
	}

	results, err := applyItems(ctx, tx, items, formatTime(s.now()))
	if err != nil {
		return nil, false, err
	}
	resp, err = json.Marshal(batchResponse{Results: results})
	if err != nil {
		return nil, false, err
	}
	var accepted, rejected int
	for _, r := range results {
		if r.Status == Accepted {
			accepted++
		} else {
			rejected++
		}
	}
	// apply_count grows only if the key check above were ever bypassed: the stats
	// report such a key as applied twice.
	_, err = tx.ExecContext(ctx, `INSERT INTO batches (idem_key, body_sha256, response, accepted, rejected, apply_count, applied_at)
		VALUES (?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT(idem_key) DO UPDATE SET apply_count = apply_count + 1`,
		key, bodyHash, resp, accepted, rejected, formatTime(s.now()))
	if err != nil {
		return nil, false, err
	}
	return resp, false, tx.Commit()
}

// applyItems checks and applies each item, returning one result per item.
func applyItems(ctx context.Context, tx *sql.Tx, items []Item, now string) ([]ItemResult, error) {
	product, err := tx.PrepareContext(ctx, `SELECT 1 FROM products WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	variant, err := tx.PrepareContext(ctx, `SELECT 1 FROM variants WHERE product_id = ? AND id = ?`)
	if err != nil {
		return nil, err
	}
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO stock
		(product_id, variant_id, published, availability, quantity, price_cents, restock_days, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(product_id, variant_id) DO UPDATE SET published=excluded.published,
		availability=excluded.availability, quantity=excluded.quantity,
		price_cents=CASE WHEN excluded.price_cents > 0 THEN excluded.price_cents ELSE stock.price_cents END,
		restock_days=excluded.restock_days, updated_at=excluded.updated_at`)
	if err != nil {
		return nil, err
	}
	// A publication a stock batch sets is not a change of the catalog to list
	// back: the connector knows what it pushed (GET /v1/catalog/changes).
	publish, err := tx.PrepareContext(ctx, `UPDATE products SET published = ?1 WHERE id = ?2 AND published != ?1`)
	if err != nil {
		return nil, err
	}

	exists := func(stmt *sql.Stmt, args ...any) (bool, error) {
		var one int
		err := stmt.QueryRowContext(ctx, args...).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	type target struct{ product, variant string }
	seen := make(map[target]bool, len(items))
	results := make([]ItemResult, len(items))
	for i, it := range items {
		res := ItemResult{ProductID: it.ProductID, VariantID: it.VariantID, Status: Rejected}
		t := target{it.ProductID, it.VariantID}
		switch {
		case it.ProductID == "":
			res.Reason = "missing_product_id"
		case !availabilities[it.Availability]:
			res.Reason = "bad_availability"
		case it.Quantity < 0:
			res.Reason = "negative_quantity"
		case it.PriceCents < 0:
			res.Reason = "negative_price"
		case it.RestockDays < 0:
			res.Reason = "negative_restock_days"
		case seen[t]:
			res.Reason = "duplicate_item"
		}
		if res.Reason == "" {
			ok, err := exists(product, it.ProductID)
			if err != nil {
				return nil, err
			}
			if !ok {
				res.Reason = "unknown_product"
			}
		}
		if res.Reason == "" && it.VariantID != "" {
			ok, err := exists(variant, it.ProductID, it.VariantID)
			if err != nil {
				return nil, err
			}
			if !ok {
				res.Reason = "unknown_variant"
			}
		}
		if res.Reason == "" {
			seen[t] = true
			if _, err := upsert.ExecContext(ctx, it.ProductID, it.VariantID, it.Published, it.Availability,
				it.Quantity, it.PriceCents, it.RestockDays, now); err != nil {
				return nil, err
			}
			if it.VariantID == "" {
				if _, err := publish.ExecContext(ctx, it.Published, it.ProductID); err != nil {
					return nil, err
				}
			}
			res.Status = Accepted
		}
		results[i] = res
	}
	return results, nil
}
