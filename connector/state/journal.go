package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// Batch is one request of a push: the items sent together under one idempotency
// key.
type Batch struct {
	Key   string
	Items []Item
}

// Item is one journaled item: what a batch asks the shop to show for one product
// (VariantID empty) or size variant, quantity on hand. It is the journal's row:
// its JSON names are the stored format, the names every version has written since
// the first (reconcile.Decision's then), so a journal an earlier version left is
// read as it is. Never rename them; a new field gets a new name.
type Item struct {
	ProductID    string `json:"product_id"`
	VariantID    string `json:"variant_id,omitempty"`
	Ref          string `json:"ref"`
	Size         string `json:"size,omitempty"`
	Published    bool   `json:"published"`
	Availability string `json:"availability"`
	Quantity     int    `json:"quantity"`
	PriceCents   int64  `json:"price_cents,omitempty"`
	RestockDays  int    `json:"restock_days,omitempty"`
}

// Target is the product or variant the item is about.
func (it Item) Target() reconcile.Target {
	return reconcile.Target{ProductID: it.ProductID, VariantID: it.VariantID}
}

// PendingBatch is a journaled batch the shop has not acknowledged yet.
type PendingBatch struct {
	RunID RunID
	Batch
}

// ItemResult is the shop's answer for one item of a batch.
type ItemResult struct {
	ProductID string
	VariantID string
	Accepted  bool
	Reason    string // why the shop rejected it
}

// Target is the product or variant the result is about.
func (r ItemResult) Target() reconcile.Target {
	return reconcile.Target{ProductID: r.ProductID, VariantID: r.VariantID}
}

// BatchStatus is a journaled batch as the report shows it.
type BatchStatus struct {
	Key     string
	Items   int
	Acked   bool
	AckedAt time.Time
	Results []ItemResult // the shop's answers, once acknowledged
}

// Batch statuses in the journal.
const (
	batchPending = "pending"
	batchAcked   = "acked"
)

// Journal writes all batches of run id, in order and marked pending, in one
// transaction. Call it before sending any of them: after a crash, Pending returns
// them with the same keys. Keys must be unique across all runs.
func (s *Store) Journal(ctx context.Context, id RunID, batches []Batch) error {
	now := millis(time.Now())
	err := s.write(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO batches (run_id, key, items, size, created_ms)
			VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, b := range batches {
			if b.Key == "" {
				return errors.New("batch with an empty key")
			}
			items, err := json.Marshal(b.Items)
			if err != nil {
				return fmt.Errorf("encode batch %q: %w", b.Key, err)
			}
			if _, err := ins.ExecContext(ctx, id, b.Key, items, len(b.Items), now); err != nil {
				return fmt.Errorf("batch %q: %w", b.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("journal %d batches of run %d: %w", len(batches), id, err)
	}
	return nil
}

// Pending returns the batches of any run that the shop has not acknowledged, in
// the order they were journaled.
func (s *Store) Pending(ctx context.Context) ([]PendingBatch, error) {
	var out []PendingBatch
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT run_id, key, items FROM batches
			WHERE status = 'pending' ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				b     PendingBatch
				items []byte
			)
			if err := rows.Scan(&b.RunID, &b.Key, &items); err != nil {
				return err
			}
			if err := json.Unmarshal(items, &b.Items); err != nil {
				return fmt.Errorf("decode batch %q: %w", b.Key, err)
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list pending batches: %w", err)
	}
	return out, nil
}

// Ack records the shop's answer to batch key in one transaction: the batch is
// marked acknowledged, the acknowledged state of each accepted item becomes the
// batch's decision, the value it replaced is kept under the batch's run (for
// Replaced), and every answer is kept for the report. Acking a batch again is a
// no-op. An unknown key is ErrNotFound; a result for an item the batch does not
// hold is an error and nothing is recorded. Items without a result stay as they
// were; a batch the shop refused whole is closed by acking it with its rejections.
func (s *Store) Ack(ctx context.Context, key string, results []ItemResult) error {
	now := millis(time.Now())
	answers, err := json.Marshal(answersOf(results))
	if err != nil {
		return fmt.Errorf("ack batch %q: %w", key, err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		var (
			batchID int64
			runID   RunID
			status  string
			items   []byte
		)
		err := tx.QueryRowContext(ctx, `SELECT id, run_id, status, items FROM batches WHERE key = ?`,
			key).Scan(&batchID, &runID, &status, &items)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if status == batchAcked {
			return nil
		}
		var stored []Item
		if err := json.Unmarshal(items, &stored); err != nil {
			return fmt.Errorf("decode batch: %w", err)
		}
		inBatch := make(map[reconcile.Target]Item, len(stored))
		for _, it := range stored {
			inBatch[it.Target()] = it
		}
		accepted := make([]acceptedItem, 0, len(results))
		for _, r := range results {
			d, ok := inBatch[r.Target()]
			if !ok {
				return fmt.Errorf("result for %s/%s, which the batch does not hold", r.ProductID, r.VariantID)
			}
			if r.Accepted {
				after, err := json.Marshal(d)
				if err != nil {
					return err
				}
				accepted = append(accepted, acceptedItem{d.ProductID, d.VariantID, d.Ref, d.Size, d.Published,
					d.Availability, d.Quantity, d.PriceCents, d.RestockDays, string(after)})
			}
		}
		acceptedJSON, err := json.Marshal(accepted)
		if err != nil {
			return err
		}
		// A few statements over the whole batch, run by SQLite: a statement per
		// item from Go allocated 5 KB an item, which the nights' collector then
		// walked through.
		for _, st := range ackStatements {
			if _, err := tx.ExecContext(ctx, st.query, sql.Named("batch", batchID), sql.Named("run", runID),
				sql.Named("now", now), sql.Named("answers", answers), sql.Named("accepted", acceptedJSON)); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack batch %q: %w", key, err)
	}
	return nil
}

// answer is one ItemResult as Ack hands it to SQLite: [product, variant, accepted, reason].
type answer [4]any

func answersOf(results []ItemResult) []answer {
	out := make([]answer, len(results))
	for i, r := range results {
		out[i] = answer{r.ProductID, r.VariantID, r.Accepted, r.Reason}
	}
	return out
}

// acceptedItem is an item the shop accepted as Ack hands it to SQLite: the Item's
// fields in the order of its declaration, then the Item as JSON (the value the
// run set, kept in replaced).
type acceptedItem [10]any

// ackStatements record the shop's answers to a batch, in this order. Their named
// parameters: :batch, :run, :now (unix ms), :answers (answersOf as JSON) and
// :accepted (the acceptedItems as JSON).
var ackStatements = []struct{ what, query string }{
	{"record the shop's answers", `INSERT INTO item_results (batch_id, product_id, variant_id, accepted, reason)
		SELECT :batch, value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM jsonb_each(:answers)`},
	// What each accepted item replaces, read before the acknowledged state
	// changes: a reconcile.Decision as JSON, NULL when the shop had never
	// acknowledged the target. A run that sets a target twice keeps the first
	// value it replaced.
	{"keep the values replaced", `INSERT INTO replaced (run_id, product_id, variant_id, before, after)
		SELECT :run, i.value ->> 0, i.value ->> 1,
			(SELECT json_object('product_id', a.product_id, 'variant_id', a.variant_id, 'ref', a.ref,
				'size', a.size, 'published', json(CASE WHEN a.published THEN 'true' ELSE 'false' END),
				'availability', a.availability, 'quantity', a.quantity, 'price_cents', a.price_cents,
				'restock_days', a.restock_days)
			FROM acked a WHERE a.product_id = i.value ->> 0 AND a.variant_id = i.value ->> 1),
			i.value ->> 9
		FROM jsonb_each(:accepted) i WHERE true
		ON CONFLICT (run_id, product_id, variant_id) DO UPDATE SET after = excluded.after`},
	{"acknowledge the accepted items", `INSERT INTO acked (product_id, variant_id, ref, size, published,
			availability, quantity, price_cents, restock_days, run_id, acked_ms)
		SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,
			value ->> 7, value ->> 8, :run, :now
		FROM jsonb_each(:accepted) WHERE true
		ON CONFLICT (product_id, variant_id) DO UPDATE SET ref = excluded.ref, size = excluded.size,
			published = excluded.published, availability = excluded.availability,
			quantity = excluded.quantity, price_cents = excluded.price_cents,
			restock_days = excluded.restock_days, run_id = excluded.run_id, acked_ms = excluded.acked_ms`},
	// The kept catalog follows the publications the shop accepted: kept beside
	// the packed catalog, merged when it is read (Store.Catalog).
	{"keep the accepted publications", `INSERT INTO catalog_published (id, published)
		SELECT value ->> 0, value ->> 4 FROM jsonb_each(:accepted) WHERE value ->> 1 = ''
		ON CONFLICT (id) DO UPDATE SET published = excluded.published`},
	{"mark the batch acknowledged", `UPDATE batches SET status = '` + batchAcked + `', acked_ms = :now WHERE id = :batch`},
}

// RunBatches returns the journaled batches of run id, in order, with the shop's
// answers to those acknowledged.
func (s *Store) RunBatches(ctx context.Context, id RunID) ([]BatchStatus, error) {
	var out []BatchStatus
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, key, size, status, coalesce(acked_ms, 0)
			FROM batches WHERE run_id = ? ORDER BY id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		index := map[int64]int{}
		for rows.Next() {
			var (
				b       BatchStatus
				batchID int64
				status  string
				acked   int64
			)
			if err := rows.Scan(&batchID, &b.Key, &b.Items, &status, &acked); err != nil {
				return err
			}
			b.Acked, b.AckedAt = status == batchAcked, fromMillis(acked)
			index[batchID] = len(out)
			out = append(out, b)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		res, err := tx.QueryContext(ctx, `SELECT r.batch_id, r.product_id, r.variant_id, r.accepted, r.reason
			FROM item_results r JOIN batches b ON b.id = r.batch_id
			WHERE b.run_id = ? ORDER BY r.batch_id, r.product_id, r.variant_id`, id)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			var (
				batchID int64
				r       ItemResult
			)
			if err := res.Scan(&batchID, &r.ProductID, &r.VariantID, &r.Accepted, &r.Reason); err != nil {
				return err
			}
			b := &out[index[batchID]]
			b.Results = append(b.Results, r)
		}
		return res.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list batches of run %d: %w", id, err)
	}
	return out, nil
}

// Replaced is the acknowledged value a run replaced for one target.
type Replaced struct {
	Target reconcile.Target
	Before *reconcile.Decision // nil: the shop had never acknowledged this target
	After  reconcile.Decision
}

// Replaced returns the values run id replaced, by product then variant: pushing
// each Before back rolls the run back. Decisions come back without Reason and
// Source, which are not stored.
func (s *Store) Replaced(ctx context.Context, id RunID) ([]Replaced, error) {
	var out []Replaced
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT product_id, variant_id, before, after FROM replaced
			WHERE run_id = ? ORDER BY product_id, variant_id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r             Replaced
				before, after []byte
			)
			if err := rows.Scan(&r.Target.ProductID, &r.Target.VariantID, &before, &after); err != nil {
				return err
			}
			if before != nil {
				r.Before = new(reconcile.Decision)
				if err := json.Unmarshal(before, r.Before); err != nil {
					return fmt.Errorf("decode value before for %v: %w", r.Target, err)
				}
			}
			if err := json.Unmarshal(after, &r.After); err != nil {
				return fmt.Errorf("decode value after for %v: %w", r.Target, err)
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) > 0 {
			return nil
		}
		var from string
		err = tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaRollbackFrom).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if v, _ := strconv.ParseInt(from, 10, 64); int64(id) < v {
			return fmt.Errorf("%w: only the last %d accepted runs keep what they replaced, run %d is older: it can no longer be rolled back",
				ErrPruned, RollbackRuns, id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list values replaced by run %d: %w", id, err)
	}
	return out, nil
}

// ItemOf is the journal row of an engine decision.
func ItemOf(d reconcile.Decision) Item {
	return Item{ProductID: d.ProductID, VariantID: d.VariantID, Ref: d.Ref, Size: d.Size, Published: d.Published,
		Availability: d.Availability.String(), Quantity: d.Quantity, PriceCents: d.PriceCents, RestockDays: d.RestockDays}
}
