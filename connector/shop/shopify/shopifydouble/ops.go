package shopifydouble

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// operation is one operation the double answers: the root field its query must
// name, the scopes it needs, its requested cost, and what it does.
type operation struct {
	field  string
	scopes []string
	cost   func(vars map[string]any) float64
	run    func(d *Double, query string, vars map[string]any) (any, error)
}

func fixed(c float64) func(map[string]any) float64 { return func(map[string]any) float64 { return c } }

// The costs follow the documentation's rules roughly: an object 1, a connection 2
// plus one per node asked for, a mutation 10.
var operations = map[string]operation{
	"Ping":      {field: "currentAppInstallation", cost: fixed(2), run: (*Double).ping},
	"Locations": {field: "locations", scopes: []string{"read_locations"}, cost: fixed(12), run: (*Double).locationsOp},
	"Catalog": {field: "productVariants", scopes: []string{"read_products"},
		cost: func(v map[string]any) float64 { n, _ := num(v["first"]); return 2 + 3*float64(n) }, run: (*Double).catalog},
	"Lookup": {field: "nodes", scopes: []string{"read_products", "read_inventory"},
		cost: func(v map[string]any) float64 { return 1 + 4*float64(len(list(v["ids"]))) }, run: (*Double).lookup},
	"OnHand": {field: "nodes", scopes: []string{"read_inventory"},
		cost: func(v map[string]any) float64 { return 1 + 2*float64(len(list(v["ids"]))) }, run: (*Double).onHand},
	"SetStock":       {field: "inventorySetQuantities", scopes: []string{"write_inventory"}, cost: fixed(10), run: (*Double).setStock},
	"UpdateVariants": {field: "productVariantsBulkUpdate", scopes: []string{"write_products"}, cost: fixed(10), run: (*Double).updateVariants},
	"SetStatus":      {field: "productUpdate", scopes: []string{"write_products"}, cost: fixed(10), run: (*Double).setStatus},
	"OpenOrders": {field: "orders", scopes: []string{"read_orders"},
		cost: func(v map[string]any) float64 { n, _ := num(v["first"]); return 2 + 12*float64(n) }, run: (*Double).openOrders},
}

func (d *Double) ping(string, map[string]any) (any, error) {
	scopes := make([]map[string]any, len(d.Scopes))
	for i, s := range d.Scopes {
		scopes[i] = map[string]any{"handle": s}
	}
	return map[string]any{"shop": map[string]any{"name": "Double"}, "currentAppInstallation": map[string]any{"accessScopes": scopes}}, nil
}

func (d *Double) locationsOp(string, map[string]any) (any, error) {
	nodes := make([]map[string]any, len(d.locations))
	for i, l := range d.locations {
		nodes[i] = map[string]any{"id": l.ID, "name": l.Name, "isActive": l.Active}
	}
	return map[string]any{"locations": map[string]any{"nodes": nodes}}, nil
}

// page cuts ids at an opaque cursor and returns a page and its pageInfo.
func page(ids []string, vars map[string]any) ([]string, map[string]any, error) {
	first, ok := num(vars["first"])
	if !ok || first < 1 || first > 250 {
		return nil, nil, errors.New("first must be between 1 and 250")
	}
	start := 0
	if after := str(vars["after"]); after != "" {
		b, err := base64.StdEncoding.DecodeString(after)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "i:"))
		if err != nil || err2 != nil || n < 0 || n > len(ids) {
			return nil, nil, fmt.Errorf("invalid cursor %q", after)
		}
		start = n
	}
	end := min(start+first, len(ids))
	info := map[string]any{"hasNextPage": end < len(ids), "endCursor": nil}
	if end > start {
		info["endCursor"] = base64.StdEncoding.EncodeToString([]byte("i:" + strconv.Itoa(end)))
	}
	return ids[start:end], info, nil
}

func (d *Double) catalog(_ string, vars map[string]any) (any, error) {
	ids, info, err := page(d.vorder, vars)
	if err != nil {
		return nil, err
	}
	nodes := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		v := d.variants[id]
		p := d.products[v.ProductID]
		nodes = append(nodes, map[string]any{"id": v.ID, "sku": v.SKU, "barcode": v.Barcode, "selectedOptions": d.selected(v),
			"product": map[string]any{"id": p.ID, "vendor": p.Vendor, "productType": p.ProductType, "status": p.Status, "tags": p.Tags}})
	}
	return map[string]any{"productVariants": map[string]any{"pageInfo": info, "nodes": nodes}}, nil
}

func (d *Double) selected(v *Variant) []map[string]any {
	p := d.products[v.ProductID]
	var out []map[string]any
	for _, name := range p.Options {
		out = append(out, map[string]any{"name": name, "value": v.Options[name]})
	}
	return out
}

// inventoryItem is an InventoryItem with its level at location (null when not stocked there).
func (d *Double) inventoryItem(item, location string) map[string]any {
	var tracked bool
	for _, v := range d.variants {
		if v.InventoryItemID == item {
			tracked = v.Tracked
		}
	}
	m := map[string]any{"__typename": "InventoryItem", "id": item, "tracked": tracked, "inventoryLevel": nil}
	if l := d.levels[[2]string{item, location}]; l != nil {
		m["inventoryLevel"] = map[string]any{"quantities": []map[string]any{{"name": "on_hand", "quantity": l.OnHand}}}
	}
	return m
}

func (d *Double) lookup(_ string, vars map[string]any) (any, error) {
	ids := list(vars["ids"])
	if len(ids) > 250 {
		return nil, errors.New("nodes: at most 250 ids")
	}
	loc := str(vars["location"])
	nodes := make([]any, len(ids))
	for i, x := range ids {
		id := str(x)
		if v := d.variants[id]; v != nil {
			p := d.products[v.ProductID]
			nodes[i] = map[string]any{"__typename": "ProductVariant", "id": v.ID, "product": map[string]any{"id": p.ID, "status": p.Status},
				"inventoryItem": d.inventoryItem(v.InventoryItemID, loc)}
		} else if p := d.products[id]; p != nil {
			var opts, vs []map[string]any
			for _, o := range p.Options {
				opts = append(opts, map[string]any{"name": o})
			}
			for _, vid := range p.Variants[:min(2, len(p.Variants))] {
				vs = append(vs, map[string]any{"id": vid, "inventoryItem": d.inventoryItem(d.variants[vid].InventoryItemID, loc)})
			}
			nodes[i] = map[string]any{"__typename": "Product", "id": p.ID, "status": p.Status, "options": opts, "variants": map[string]any{"nodes": vs}}
		}
	}
	return map[string]any{"nodes": nodes}, nil
}

func (d *Double) onHand(_ string, vars map[string]any) (any, error) {
	ids := list(vars["ids"])
	loc := str(vars["location"])
	nodes := make([]any, len(ids))
	for i, x := range ids {
		for _, v := range d.variants {
			if v.InventoryItemID == str(x) {
				nodes[i] = d.inventoryItem(v.InventoryItemID, loc)
			}
		}
	}
	return map[string]any{"nodes": nodes}, nil
}

var idemRE = regexp.MustCompile(`@idempotent\(\s*key:\s*("(?:[^"\\]|\\.)*")\s*\)`)

// validReasons are the reasons of the documentation's quantity states page.
var validReasons = []string{"correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received",
	"movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created", "reservation_deleted",
	"reservation_updated", "restock", "safety_stock", "shrinkage"}

func (d *Double) setStock(query string, vars map[string]any) (any, error) {
	m := idemRE.FindStringSubmatch(query)
	if m == nil {
		return nil, errors.New("inventorySetQuantities requires the @idempotent directive with a key as of 2026-04")
	}
	var key string
	if json.Unmarshal([]byte(m[1]), &key) != nil || key == "" || len(key) > 255 {
		return nil, errors.New("@idempotent: the key must be a non-empty string of at most 255 characters")
	}
	in := obj(vars["input"])
	if in == nil {
		return nil, errors.New("variable $input of type InventorySetQuantitiesInput! was provided invalid value")
	}
	for k := range in {
		if !slices.Contains([]string{"name", "reason", "referenceDocumentUri", "quantities"}, k) {
			return nil, fmt.Errorf("InventorySetQuantitiesInput does not accept the field %q in 2026-04", k)
		}
	}
	params, _ := json.Marshal(in) // maps marshal with sorted keys: a canonical form
	if prev, ok := d.keys[key]; ok {
		if prev.params != string(params) {
			return map[string]any{"inventorySetQuantities": map[string]any{"inventoryAdjustmentGroup": nil, "userErrors": []map[string]any{userErr(nil,
				"The same idempotency key cannot be used with different operation parameters.", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")}}}, nil
		}
		d.replays++
		return map[string]any{"inventorySetQuantities": prev.answer}, nil
	}
	var errs []map[string]any
	name := str(in["name"])
	if name != "available" && name != "on_hand" {
		errs = append(errs, userErr([]string{"input", "name"}, "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME"))
	}
	if !slices.Contains(validReasons, str(in["reason"])) {
		errs = append(errs, userErr([]string{"input", "reason"}, "The specified reason is invalid.", "INVALID_REASON"))
	}
	type set struct {
		level *Level
		item  string
		q     int
	}
	var sets []set
	seen := map[[2]string]bool{}
	for i, x := range list(in["quantities"]) {
		q := obj(x)
		f := func(s string) []string { return []string{"input", "quantities", strconv.Itoa(i), s} }
		item, loc := str(q["inventoryItemId"]), str(q["locationId"])
		qty, okQ := num(q["quantity"])
		from, hasFrom := q["changeFromQuantity"]
		fromQ, fromNum := num(from)
		var known bool
		for _, v := range d.variants {
			known = known || v.InventoryItemID == item
		}
		lvl := d.levels[[2]string{item, loc}]
		switch {
		case !known:
			errs = append(errs, userErr(f("inventoryItemId"), "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM"))
		case !slices.ContainsFunc(d.locations, func(l Location) bool { return l.ID == loc }):
			errs = append(errs, userErr(f("locationId"), "The specified location could not be found.", "INVALID_LOCATION"))
		case lvl == nil:
			errs = append(errs, userErr(f("locationId"), "The specified inventory item is not stocked at the location.", "ITEM_NOT_STOCKED_AT_LOCATION"))
		case seen[[2]string{item, loc}]:
			errs = append(errs, userErr(f("inventoryItemId"), "The combination of inventoryItemId and locationId must be unique.", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"))
		case !okQ:
			errs = append(errs, userErr(f("quantity"), "The quantity is required.", "INVALID_QUANTITY_TOO_LOW"))
		case qty < 0 && name == "on_hand":
			errs = append(errs, userErr(f("quantity"), "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"))
		case qty > 1_000_000_000:
			errs = append(errs, userErr(f("quantity"), "The total quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH"))
		case !hasFrom:
			// 2026-04: changeFromQuantity must be given, null to opt out of the check.
			errs = append(errs, userErr(f("changeFromQuantity"), "changeFromQuantity must be given; pass null to opt out of the compare-and-set check.", "INVALID"))
		case from != nil && !fromNum:
			errs = append(errs, userErr(f("changeFromQuantity"), "changeFromQuantity must be an integer or null.", "INVALID"))
		case d.refuse[item] != "":
			errs = append(errs, userErr(f("inventoryItemId"), "Refused by the double's test setting.", d.refuse[item]))
		case from != nil && fromQ != d.current(lvl, name):
			errs = append(errs, userErr(f("changeFromQuantity"), "The changeFromQuantity value does not match persisted value.", "CHANGE_FROM_QUANTITY_STALE"))
		default:
			seen[[2]string{item, loc}] = true
			sets = append(sets, set{lvl, item, qty})
		}
	}
	var answer map[string]any
	if len(errs) > 0 { // nothing applied
		answer = map[string]any{"inventoryAdjustmentGroup": nil, "userErrors": errs}
	} else {
		for _, s := range sets {
			before := s.level.OnHand
			if name == "on_hand" {
				s.level.OnHand = s.q
			} else {
				s.level.OnHand = s.q + s.level.Committed
			}
			if s.level.OnHand != before {
				d.applied[s.item]++
			}
		}
		d.mutations["inventorySetQuantities"]++
		answer = map[string]any{"inventoryAdjustmentGroup": map[string]any{"id": d.id("InventoryAdjustmentGroup")}, "userErrors": []any{}}
	}
	b, _ := json.Marshal(answer)
	d.keys[key] = idem{params: string(params), answer: b}
	return map[string]any{"inventorySetQuantities": json.RawMessage(b)}, nil
}

func (d *Double) current(l *Level, name string) int {
	if name == "available" {
		return l.Available()
	}
	return l.OnHand
}

func (d *Double) updateVariants(_ string, vars map[string]any) (any, error) {
	pid := str(vars["productId"])
	p := d.products[pid]
	if p == nil {
		return payload("productVariantsBulkUpdate", nil, []map[string]any{userErr([]string{"productId"}, "Product does not exist", "PRODUCT_DOES_NOT_EXIST")}), nil
	}
	type change struct {
		v      *Variant
		price  *int64
		policy string
		meta   map[string]string
	}
	var errs []map[string]any
	var changes []change
	for i, x := range list(vars["variants"]) {
		in := obj(x)
		f := func(s string) []string { return []string{"variants", strconv.Itoa(i), s} }
		v := d.variants[str(in["id"])]
		if v == nil || v.ProductID != pid {
			errs = append(errs, userErr(f("id"), "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST"))
			continue
		}
		if code := d.refuse[v.ID]; code != "" {
			errs = append(errs, userErr(f("id"), "Refused by the double's test setting.", code))
			continue
		}
		c := change{v: v, meta: map[string]string{}}
		if pr, ok := in["price"]; ok {
			cents, err := cents(str(pr))
			switch {
			case err != nil:
				errs = append(errs, userErr(f("price"), "Price is invalid", "INVALID_INPUT"))
				continue
			case cents < 0:
				errs = append(errs, userErr(f("price"), "Price cannot take a negative value.", "NEGATIVE_PRICE_VALUE"))
				continue
			}
			c.price = &cents
		}
		if pol, ok := in["inventoryPolicy"]; ok {
			if s := str(pol); s != "DENY" && s != "CONTINUE" {
				return nil, fmt.Errorf("variable $variants: inventoryPolicy %q is not a ProductVariantInventoryPolicy", s)
			}
			c.policy = str(pol)
		}
		for _, mx := range list(in["metafields"]) {
			mf := obj(mx)
			val := str(mf["value"])
			if str(mf["type"]) != "number_integer" {
				errs = append(errs, userErr(f("metafields"), "the double only knows number_integer metafields", "INVALID_TYPE"))
				continue
			}
			if _, err := strconv.ParseInt(val, 10, 64); err != nil {
				errs = append(errs, userErr(f("metafields"), "Metafield value is invalid", "INVALID_VALUE"))
				continue
			}
			c.meta[str(mf["namespace"])+"."+str(mf["key"])] = val
		}
		changes = append(changes, c)
	}
	if len(errs) > 0 {
		return payload("productVariantsBulkUpdate", nil, errs), nil
	}
	var out []map[string]any
	for _, c := range changes {
		if c.price != nil {
			c.v.PriceCents = *c.price
		}
		if c.policy != "" {
			c.v.Policy = c.policy
		}
		for k, x := range c.meta {
			c.v.Metafields[k] = x
		}
		out = append(out, map[string]any{"id": c.v.ID})
	}
	d.mutations["productVariantsBulkUpdate"]++
	return map[string]any{"productVariantsBulkUpdate": map[string]any{"productVariants": out, "userErrors": []any{}}}, nil
}

func (d *Double) setStatus(_ string, vars map[string]any) (any, error) {
	in := obj(vars["product"])
	p := d.products[str(in["id"])]
	if p == nil {
		return map[string]any{"productUpdate": map[string]any{"product": nil, "userErrors": []map[string]any{{"field": []string{"id"}, "message": "Product does not exist"}}}}, nil
	}
	if s, ok := in["status"]; ok {
		if !slices.Contains([]string{"ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED"}, str(s)) {
			return nil, fmt.Errorf("variable $product: status %q is not a ProductStatus", str(s))
		}
		p.Status = str(s)
	}
	d.mutations["productUpdate"]++
	return map[string]any{"productUpdate": map[string]any{"product": map[string]any{"id": p.ID, "status": p.Status}, "userErrors": []any{}}}, nil
}

func (d *Double) openOrders(_ string, vars map[string]any) (any, error) {
	if q := str(vars["query"]); q != "status:open" {
		return nil, fmt.Errorf("the double only implements the orders query \"status:open\", not %q", q)
	}
	var ids []string
	for i, o := range d.orders {
		if !o.closed {
			ids = append(ids, strconv.Itoa(i))
		}
	}
	sel, info, err := page(ids, vars)
	if err != nil {
		return nil, err
	}
	var nodes []map[string]any
	for _, s := range sel {
		i, _ := strconv.Atoi(s)
		o := d.orders[i]
		var lines []map[string]any
		for _, l := range o.lines {
			v := d.variants[l.variant]
			line := map[string]any{"sku": nil, "quantity": l.quantity, "unfulfilledQuantity": l.unfilled, "variant": nil}
			if v != nil {
				line["sku"] = v.SKU
				line["variant"] = map[string]any{"id": v.ID, "selectedOptions": d.selected(v), "product": map[string]any{"id": v.ProductID}}
			}
			lines = append(lines, line)
		}
		nodes = append(nodes, map[string]any{"name": o.name, "createdAt": o.created.Format("2006-01-02T15:04:05Z"),
			"lineItems": map[string]any{"pageInfo": map[string]any{"hasNextPage": false}, "nodes": lines}})
	}
	return map[string]any{"orders": map[string]any{"pageInfo": info, "nodes": nodes}}, nil
}

func payload(field string, v any, errs []map[string]any) map[string]any {
	return map[string]any{field: map[string]any{"productVariants": v, "userErrors": errs}}
}

func userErr(field []string, msg, code string) map[string]any {
	return map[string]any{"field": field, "message": msg, "code": code}
}

// cents reads a Money decimal string as integer cents.
func cents(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, errors.New("bad decimal")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseUint(frac, 10, 8)
	if err != nil {
		return 0, err
	}
	if strings.HasPrefix(whole, "-") {
		return w*100 - int64(f), nil
	}
	return w*100 + int64(f), nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func num(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n.String())
	return i, err == nil
}

func list(v any) []any { l, _ := v.([]any); return l }

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
