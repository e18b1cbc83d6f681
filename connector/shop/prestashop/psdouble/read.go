package psdouble

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// row is one resource as the JSON output writes it.
type row map[string]any

// multilang writes a multilingual field: a string when the request names a
// language, else one entry per language (the double has language 1 only).
func multilang(v string, lang string) any {
	if lang != "" {
		return v
	}
	return []map[string]string{{"id": "1", "value": v}}
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func refs(ids []int) []map[string]string {
	out := make([]map[string]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, map[string]string{"id": itoa(id)})
	}
	return out
}

// rows returns every resource of a kind, by id, as JSON rows. Called with s.mu held.
func (s *Server) rows(resource, lang string) []row {
	var out []row
	switch resource {
	case "products":
		for _, id := range sortedIDs(s.products) {
			p := s.products[id]
			cat := 0
			if len(p.Categories) > 0 {
				cat = p.Categories[0]
			}
			var stocks []map[string]string
			for _, sid := range sortedIDs(s.stock) {
				if sa := s.stock[sid]; sa.ProductID == id {
					stocks = append(stocks, map[string]string{"id": itoa(sid), "id_product_attribute": itoa(sa.Attribute)})
				}
			}
			out = append(out, row{"id": id, "id_manufacturer": "1", "manufacturer_name": p.Manufacturer, "reference": p.Reference,
				"ean13": p.EAN13, "price": p.Price, "active": boolText(p.Active), "visibility": p.Visibility,
				"available_date": p.AvailableDate, "id_category_default": itoa(cat), "name": multilang(p.Name, lang),
				"associations": map[string]any{"categories": refs(p.Categories), "combinations": refs(p.Combinations), "stock_availables": stocks}})
		}
	case "combinations":
		for _, id := range sortedIDs(s.combos) {
			c := s.combos[id]
			out = append(out, row{"id": id, "id_product": itoa(c.ProductID), "reference": c.Reference, "ean13": c.EAN13,
				"price": c.Price, "minimal_quantity": "1", "available_date": c.AvailableDate,
				"associations": map[string]any{"product_option_values": refs(c.Values)}})
		}
	case "stock_availables":
		for _, id := range sortedIDs(s.stock) {
			sa := s.stock[id]
			out = append(out, row{"id": id, "id_product": itoa(sa.ProductID), "id_product_attribute": itoa(sa.Attribute),
				"id_shop": itoa(sa.Shop), "id_shop_group": itoa(sa.ShopGroup), "quantity": itoa(sa.Quantity),
				"depends_on_stock": boolText(sa.DependsOnStock), "out_of_stock": itoa(sa.OutOfStock), "location": sa.Location})
		}
	case "product_options":
		for _, id := range sortedIDs(s.groups) {
			g := s.groups[id]
			out = append(out, row{"id": id, "group_type": "select", "name": multilang(g.Name, lang), "public_name": multilang(g.Name, lang)})
		}
	case "product_option_values":
		for _, id := range sortedIDs(s.values) {
			v := s.values[id]
			out = append(out, row{"id": id, "id_attribute_group": itoa(v.Group), "name": multilang(v.Name, lang)})
		}
	case "orders":
		for _, id := range sortedIDs(s.orders) {
			o := s.orders[id]
			out = append(out, row{"id": id, "reference": o.Reference, "current_state": itoa(o.State), "date_add": o.DateAdd})
		}
	case "order_details":
		for _, oid := range sortedIDs(s.orders) {
			for _, l := range s.orders[oid].Lines {
				out = append(out, row{"id": l.ID, "id_order": itoa(l.OrderID), "product_id": itoa(l.ProductID),
					"product_attribute_id": itoa(l.Attribute), "product_quantity": itoa(l.Quantity), "product_reference": l.Reference})
			}
		}
	case "order_states":
		for i, name := range []string{"Awaiting check payment", "Payment accepted", "Processing in progress", "Shipped", "Delivered", "Canceled"} {
			out = append(out, row{"id": i + 1, "name": multilang(name, lang)})
		}
	}
	return out
}

// get answers a GET of a list or of one resource.
func (s *Server) get(resource string, id int, r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	s.mu.Lock()
	all := s.rows(resource, q.Get("language"))
	s.mu.Unlock()
	if id > 0 {
		for _, rw := range all {
			if rw["id"] == id {
				return map[string]any{singular(resource): rw}, nil
			}
		}
		return nil, &apiError{http.StatusNotFound, 87, fmt.Sprintf("there is no %s with id %d", singular(resource), id)}
	}
	var out []row
	for _, rw := range all {
		ok, err := matches(rw, q)
		if err != nil {
			return nil, &apiError{http.StatusBadRequest, 0, err.Error()}
		}
		if ok {
			out = append(out, rw)
		}
	}
	if lim := q.Get("limit"); lim != "" {
		from, count, err := parseLimit(lim)
		if err != nil {
			return nil, &apiError{http.StatusBadRequest, 0, err.Error()}
		}
		out = out[min(from, len(out)):min(from+count, len(out))]
	}
	if len(out) == 0 {
		return []any{}, nil // the webservice's empty list
	}
	display := q.Get("display")
	for i, rw := range out {
		switch {
		case display == "full":
		case strings.HasPrefix(display, "[") && strings.HasSuffix(display, "]"):
			keep := row{}
			for _, f := range strings.Split(display[1:len(display)-1], ",") {
				if v, ok := rw[strings.TrimSpace(f)]; ok {
					keep[strings.TrimSpace(f)] = v
				}
			}
			out[i] = keep
		default:
			out[i] = row{"id": rw["id"]}
		}
	}
	return map[string]any{resource: out}, nil
}

// parseLimit reads limit=n or limit=offset,n.
func parseLimit(s string) (from, count int, err error) {
	a, b, two := strings.Cut(s, ",")
	if !two {
		a, b = "0", a
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(a))
	count, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || from < 0 || count < 0 {
		return 0, 0, fmt.Errorf("limit %q is invalid", s)
	}
	return from, count, nil
}

// matches applies the filter[field] parameters to one row.
func matches(rw row, q url.Values) (bool, error) {
	for k, vs := range q {
		if !strings.HasPrefix(k, "filter[") || !strings.HasSuffix(k, "]") {
			continue
		}
		name := k[len("filter[") : len(k)-1]
		val, ok := rw[name]
		if !ok {
			return false, fmt.Errorf("unable to filter by %s: no such field", name)
		}
		have := fmt.Sprint(val)
		for _, v := range vs {
			if !filterMatch(have, v) {
				return false, nil
			}
		}
	}
	return true, nil
}

// filterMatch applies one filter value: [a|b], [a,b], [a] or a bare value.
func filterMatch(have, f string) bool {
	if !strings.HasPrefix(f, "[") || !strings.HasSuffix(f, "]") {
		return strings.EqualFold(have, f)
	}
	inner := f[1 : len(f)-1]
	if lo, hi, ok := strings.Cut(inner, ","); ok {
		h, err1 := strconv.Atoi(have)
		l, err2 := strconv.Atoi(lo)
		u, err3 := strconv.Atoi(hi)
		return err1 == nil && err2 == nil && err3 == nil && l <= h && h <= u
	}
	for _, alt := range strings.Split(inner, "|") {
		if strings.EqualFold(have, alt) {
			return true
		}
	}
	return false
}
