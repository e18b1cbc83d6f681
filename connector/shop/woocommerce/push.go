package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// wireUpdate is one item of a batch's update list. Every field is an absolute
// value: sending it twice changes nothing.
type wireUpdate struct {
	ID            int        `json:"id"`
	Status        string     `json:"status"`
	ManageStock   *bool      `json:"manage_stock,omitempty"`
	StockQuantity *int       `json:"stock_quantity,omitempty"`
	Backorders    string     `json:"backorders,omitempty"`
	RegularPrice  string     `json:"regular_price,omitempty"`
	Meta          []wireMeta `json:"meta_data,omitempty"`
}

// batchAnswer is a batch's answer: one entry per update item, in order, either
// the object updated or {"id":…,"error":{…}}.
type batchAnswer struct {
	Update []struct {
		ID    json.Number `json:"id"`
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Data    struct {
				Status int `json:"status"`
			} `json:"data"`
		} `json:"error"`
	} `json:"update"`
}

// group is one request of a push: the products, or the variations of one parent.
type group struct {
	parent string // "" for products/batch
	index  []int  // the items' places in the push
	body   []wireUpdate
}

func (g *group) path() string {
	if g.parent == "" {
		return "/products/batch"
	}
	return "/products/" + g.parent + "/variations/batch"
}

// Push applies a batch: its products in one products/batch request, the sizes
// of each variable product in one products/<id>/variations/batch request, and
// returns one result per item, in order. WooCommerce has no idempotency key (key
// is not sent): every field is an absolute value, so a batch sent again after a
// crash changes nothing. An item WooCommerce refuses (an error object in its
// answer) is refused alone; an error that is WooCommerce's transient trouble
// (5xx, 429 on that item) is sent again in the adapter's retry discipline.
func (a *Adapter) Push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	if len(items) > a.opts.MaxBatch {
		return nil, fmt.Errorf("push %d items to %s: %w (at most %d)", len(items), a, shop.ErrTooLarge, a.opts.MaxBatch)
	}
	results := make([]shop.Result, len(items))
	for i, it := range items {
		results[i] = shop.Result{ProductID: it.ProductID, VariantID: it.VariantID}
	}
	if err := a.learnTypes(ctx, items); err != nil {
		return nil, fmt.Errorf("push batch %s to %s: %w", key, a, err)
	}
	var groups []*group
	byParent := map[string]*group{}
	for i, it := range items {
		u, reason := a.update(it)
		if reason != "" {
			results[i].Reason = reason
			continue
		}
		parent := it.ProductID
		if it.VariantID == "" {
			parent = ""
		}
		g := byParent[parent]
		if g == nil {
			g = &group{parent: parent}
			byParent[parent] = g
			groups = append(groups, g)
		}
		g.index = append(g.index, i)
		g.body = append(g.body, u)
	}
	for _, g := range groups {
		if err := a.send(ctx, g, results); err != nil {
			what := "products"
			if g.parent != "" {
				what = "variations of product " + g.parent
			}
			return nil, fmt.Errorf("push %s (batch %s) to %s: %w", what, key, a, explain(err, true))
		}
	}
	return results, nil
}

// send sends one group, again for its items refused with a transient error
// until the retries are spent, and fills their results.
func (a *Adapter) send(ctx context.Context, g *group, results []shop.Result) error {
	index, body := g.index, g.body
	for attempt := 0; len(body) > 0; attempt++ {
		var ans batchAnswer
		if err := a.post(ctx, g.path(), map[string]any{"update": body}, &ans); err != nil {
			return err
		}
		if len(ans.Update) != len(body) {
			return fmt.Errorf("POST %s: %d answers for %d items", g.path(), len(ans.Update), len(body))
		}
		var againIndex []int
		var againBody []wireUpdate
		for j, u := range ans.Update {
			i := index[j]
			if id, err := u.ID.Int64(); u.ID != "" && (err != nil || (id != 0 && int(id) != body[j].ID)) {
				return fmt.Errorf("POST %s: answer %d is for id %s, item %d was sent there", g.path(), j, u.ID, body[j].ID)
			}
			if u.Error == nil {
				results[i].Accepted, results[i].Reason = true, ""
				continue
			}
			results[i].Accepted = false
			results[i].Reason = strings.TrimSpace(u.Error.Code + ": " + u.Error.Message)
			if st := u.Error.Data.Status; (st >= 500 || st == http.StatusTooManyRequests) && attempt < a.retry.MaxRetries {
				againIndex, againBody = append(againIndex, i), append(againBody, body[j])
			}
		}
		if len(againBody) > 0 {
			wait := shop.Backoff(attempt, a.retry.BackoffBase, a.retry.BackoffMax)
			if a.retry.OnRetry != nil {
				a.retry.OnRetry("POST "+g.path(), attempt+1, wait, fmt.Errorf("%d items refused for a transient error", len(againBody)))
			}
			if err := shop.Sleep(ctx, wait); err != nil {
				return err
			}
		}
		index, body = againIndex, againBody
	}
	return nil
}

// update converts an item to its wire update, or says why it cannot be sent.
func (a *Adapter) update(it shop.Item) (wireUpdate, string) {
	id, err := strconv.Atoi(it.ProductID)
	if it.VariantID != "" {
		if err != nil || id <= 0 {
			return wireUpdate{}, fmt.Sprintf("product id %q is not a WooCommerce id", it.ProductID)
		}
		id, err = strconv.Atoi(it.VariantID)
	}
	if err != nil || id <= 0 {
		return wireUpdate{}, fmt.Sprintf("id %q is not a WooCommerce id", it.ProductID+"/"+it.VariantID)
	}
	u := wireUpdate{ID: id, Status: "publish"}
	if !it.Published {
		u.Status = a.opts.UnpublishedStatus
		if it.VariantID != "" {
			u.Status = "private" // the variation's Enabled box unticked
		}
	}
	if it.VariantID == "" && a.types[it.ProductID] == "variable" {
		return u, "" // the parent of sizes: only its publication; stock is the variations'
	}
	manage, qty := true, max(it.OnHand, 0)
	u.ManageStock, u.StockQuantity = &manage, &qty
	switch it.Availability {
	case "preorder", "backorder":
		u.Backorders = "notify"
	default:
		u.Backorders = "no"
	}
	if it.PriceCents != 0 {
		p, err := priceString(it.PriceCents)
		if err != nil {
			return wireUpdate{}, err.Error()
		}
		u.RegularPrice = p
	}
	if k := a.opts.AvailabilityMeta; k != "-" {
		u.Meta = append(u.Meta, wireMeta{Key: k, Value: it.Availability})
	}
	if k := a.opts.RestockMeta; k != "-" {
		days := ""
		if it.Availability == "preorder" || it.Availability == "backorder" {
			days = strconv.Itoa(max(it.RestockDays, 0))
		}
		u.Meta = append(u.Meta, wireMeta{Key: k, Value: days})
	}
	return u, ""
}

// learnTypes finds whether the products of the items without a variant are
// simple or variable, for those the catalog has not shown yet (a push resumed
// after a crash runs before any catalog is read).
func (a *Adapter) learnTypes(ctx context.Context, items []shop.Item) error {
	var unknown []string
	seen := map[string]bool{}
	for _, it := range items {
		if it.VariantID != "" || seen[it.ProductID] {
			continue
		}
		seen[it.ProductID] = true
		if _, ok := a.types[it.ProductID]; ok {
			continue
		}
		if n, err := strconv.Atoi(it.ProductID); err == nil && n > 0 {
			unknown = append(unknown, it.ProductID)
		}
	}
	for len(unknown) > 0 {
		n := min(len(unknown), 100)
		chunk := unknown[:n]
		unknown = unknown[n:]
		var ps []struct {
			ID   int    `json:"id"`
			Type string `json:"type"`
		}
		q := url.Values{"include": {strings.Join(chunk, ",")}, "per_page": {"100"}, "status": {"any"}, "_fields": {"id,type"}}
		if _, err := a.get(ctx, "/products", q, &ps); err != nil {
			return fmt.Errorf("look up the type of %d products: %w", len(chunk), err)
		}
		for _, p := range ps {
			a.types[strconv.Itoa(p.ID)] = p.Type
		}
	}
	return nil
}
