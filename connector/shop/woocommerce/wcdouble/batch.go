package wcdouble

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// itemError is the answer for one batch item WooCommerce could not apply.
type itemError struct {
	ID    int      `json:"id"`
	Error apiError `json:"error"`
}

func refused(id, status int, code, msg string) itemError {
	return itemError{ID: id, Error: newError(status, code, msg)}
}

// batchBody is a batch request: create, update and delete lists.
type batchBody struct {
	Create []json.RawMessage `json:"create"`
	Update []json.RawMessage `json:"update"`
	Delete []json.RawMessage `json:"delete"`
}

// readBatch reads a batch request and checks the batch limit.
func (d *Double) readBatch(w http.ResponseWriter, r *http.Request) (batchBody, bool) {
	var b batchBody
	data, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(data))
		err = dec.Decode(&b)
	}
	if err != nil {
		writeError(w, newError(400, "rest_invalid_json", "Invalid JSON body passed."))
		return b, false
	}
	if d.opts.BatchDelay > 0 {
		select {
		case <-time.After(d.opts.BatchDelay):
		case <-r.Context().Done():
			return b, false // the client went away; nothing applied
		}
	}
	if n := len(b.Create) + len(b.Update) + len(b.Delete); n > d.opts.BatchLimit {
		d.mu.Lock()
		d.stats.TooLarge++
		d.mu.Unlock()
		writeError(w, newError(413, "woocommerce_rest_request_entity_too_large",
			fmt.Sprintf("Unable to accept more than %d items for this request.", d.opts.BatchLimit)))
		return b, false
	}
	return b, true
}

// answer is a batch's answer: one entry per item of each list, in order.
func answer(b batchBody, update []any) map[string]any {
	out := map[string]any{}
	if b.Create != nil {
		c := []any{}
		for range b.Create {
			c = append(c, refused(0, 400, "woocommerce_rest_cannot_create", "The double does not create products."))
		}
		out["create"] = c
	}
	if b.Update != nil {
		out["update"] = update
	}
	if b.Delete != nil {
		c := []any{}
		for range b.Delete {
			c = append(c, refused(0, 400, "woocommerce_rest_cannot_delete", "The double does not delete products."))
		}
		out["delete"] = c
	}
	return out
}

func (d *Double) batchProducts(w http.ResponseWriter, r *http.Request) {
	b, ok := d.readBatch(w, r)
	if !ok {
		return
	}
	d.mu.Lock()
	update := []any{}
	for _, raw := range b.Update {
		id, fields, ie := itemFields(raw)
		if ie != nil {
			update = append(update, *ie)
			continue
		}
		p, ok := d.products[id]
		if !ok {
			update = append(update, refused(id, 400, "woocommerce_rest_product_invalid_id", "Invalid ID."))
			continue
		}
		if rf, ok := d.refuse[id]; ok {
			update = append(update, refused(id, rf.Status, rf.Code, rf.Message))
			continue
		}
		next := cloneStock(p.Stock)
		if ie := apply(&next, fields, id, false); ie != nil {
			update = append(update, *ie)
			continue
		}
		if p.Type == "variable" {
			next.ManageStock, next.StockQuantity = p.ManageStock, p.StockQuantity
		}
		p.Stock = next
		d.stats.ItemsUpdated++
		update = append(update, cloneProduct(p))
	}
	d.count(update)
	d.stats.ProductBatches++
	d.mu.Unlock()
	writeJSON(w, 200, answer(b, update))
}

func (d *Double) batchVariations(w http.ResponseWriter, r *http.Request) {
	pid, _ := strconv.Atoi(r.PathValue("id"))
	b, ok := d.readBatch(w, r)
	if !ok {
		return
	}
	d.mu.Lock()
	update := []any{}
	for _, raw := range b.Update {
		id, fields, ie := itemFields(raw)
		if ie != nil {
			update = append(update, *ie)
			continue
		}
		v, ok := d.variations[id]
		if !ok || v.ParentID != pid {
			update = append(update, refused(id, 400, "woocommerce_rest_product_variation_invalid_id", "Invalid ID."))
			continue
		}
		if rf, ok := d.refuse[id]; ok {
			update = append(update, refused(id, rf.Status, rf.Code, rf.Message))
			continue
		}
		next := cloneStock(v.Stock)
		if ie := apply(&next, fields, id, true); ie != nil {
			update = append(update, *ie)
			continue
		}
		v.Stock = next
		d.stats.ItemsUpdated++
		update = append(update, cloneVariation(v))
	}
	d.count(update)
	d.stats.VariantBatches++
	d.mu.Unlock()
	writeJSON(w, 200, answer(b, update))
}

// count adds a batch's refusals to the stats; called with the lock held.
func (d *Double) count(update []any) {
	d.stats.BatchRequests++
	for _, u := range update {
		if _, ok := u.(itemError); ok {
			d.stats.ItemsRefused++
		}
	}
}

// itemFields reads one update item: its id and its fields.
func itemFields(raw json.RawMessage) (int, map[string]json.RawMessage, *itemError) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		e := refused(0, 400, "rest_invalid_param", "An update item is not an object.")
		return 0, nil, &e
	}
	var id int
	if err := json.Unmarshal(fields["id"], &id); err != nil || id <= 0 {
		e := refused(0, 400, "woocommerce_rest_product_invalid_id", "Invalid ID.")
		return 0, nil, &e
	}
	return id, fields, nil
}

var decimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// apply sets the fields of one item on s, or says why it cannot.
func apply(s *Stock, fields map[string]json.RawMessage, id int, variation bool) *itemError {
	bad := func(field, msg string) *itemError {
		e := refused(id, 400, "rest_invalid_param", fmt.Sprintf("Invalid parameter(s): %s (%s)", field, msg))
		return &e
	}
	for k, raw := range fields {
		switch k {
		case "id":
		case "status":
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return bad(k, "status is not of type string.")
			}
			allowed := map[string]bool{"publish": true, "draft": true, "pending": true, "private": true}
			if !variation {
				allowed["future"] = true
			}
			if !allowed[v] {
				return bad(k, "status is not one of publish, draft, pending, private.")
			}
			s.Status = v
		case "regular_price":
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return bad(k, "regular_price is not of type string.")
			}
			if v != "" && !decimal.MatchString(v) {
				return bad(k, "regular_price is not a decimal.")
			}
			s.RegularPrice = v
		case "sku":
			if json.Unmarshal(raw, &s.SKU) != nil {
				return bad(k, "sku is not of type string.")
			}
		case "global_unique_id":
			if json.Unmarshal(raw, &s.GTIN) != nil {
				return bad(k, "global_unique_id is not of type string.")
			}
		case "manage_stock":
			if json.Unmarshal(raw, &s.ManageStock) != nil {
				return bad(k, "manage_stock is not of type boolean.")
			}
		case "stock_quantity":
			var v int
			if json.Unmarshal(raw, &v) != nil {
				return bad(k, "stock_quantity is not of type integer.")
			}
			s.StockQuantity = &v
		case "backorders":
			var v string
			if json.Unmarshal(raw, &v) != nil || (v != "no" && v != "notify" && v != "yes") {
				return bad(k, "backorders is not one of no, notify, and yes.")
			}
			s.Backorders = v
		case "stock_status":
			var v string
			if json.Unmarshal(raw, &v) != nil || (v != "instock" && v != "outofstock" && v != "onbackorder") {
				return bad(k, "stock_status is not one of instock, outofstock, and onbackorder.")
			}
			s.StockStatus = v
		case "meta_data":
			var metas []struct {
				Key   string `json:"key"`
				Value any    `json:"value"`
			}
			if json.Unmarshal(raw, &metas) != nil {
				return bad(k, "meta_data is not of type array.")
			}
			for _, m := range metas {
				setMeta(s, m.Key, m.Value)
			}
		default:
			// Other fields exist in WooCommerce; the double does not model them and
			// ignores them, as WooCommerce ignores unknown ones.
		}
	}
	s.derive()
	return nil
}

// setMeta updates the meta key, or adds it.
func setMeta(s *Stock, key string, value any) {
	for i := range s.Meta {
		if s.Meta[i].Key == key {
			s.Meta[i].Value = value
			return
		}
	}
	s.Meta = append(s.Meta, Meta{ID: len(s.Meta) + 1, Key: key, Value: value})
}
