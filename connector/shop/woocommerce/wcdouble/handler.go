package wcdouble

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Prefix is the path of the REST API v3 below the site's URL.
const Prefix = "/wp-json/wc/v3"

// apiError is WooCommerce's (WP_Error's) error body.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Status int `json:"status"`
	} `json:"data"`
}

func newError(status int, code, msg string) apiError {
	e := apiError{Code: code, Message: msg}
	e.Data.Status = status
	return e
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e apiError) { writeJSON(w, e.Data.Status, e) }

// Handler returns the REST API, to serve at the site's root (httptest.NewTLSServer).
func (d *Double) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"/system_status", d.systemStatus)
	mux.HandleFunc("GET "+Prefix+"/products", d.listProducts)
	mux.HandleFunc("GET "+Prefix+"/products/{id}/variations", d.listVariations)
	mux.HandleFunc("POST "+Prefix+"/products/batch", d.batchProducts)
	mux.HandleFunc("POST "+Prefix+"/products/{id}/variations/batch", d.batchVariations)
	mux.HandleFunc("GET "+Prefix+"/orders", d.listOrders)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, newError(404, "rest_no_route", "No route was found matching the URL and request method."))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		d.stats.Requests++
		var f *fault
		if len(d.faults) > 0 {
			f = &d.faults[0]
			d.faults = d.faults[1:]
			d.stats.InjectedFaults++
		}
		d.mu.Unlock()
		if f != nil {
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			writeError(w, newError(f.status, "injected_fault", http.StatusText(f.status)))
			return
		}
		if e, ok := d.authenticate(r); !ok {
			d.mu.Lock()
			d.stats.UnauthorizedReq++
			d.mu.Unlock()
			if e.Code == "woocommerce_rest_authentication_error" {
				w.Header().Set("WWW-Authenticate", `Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."`)
			}
			writeError(w, e)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// authenticate checks the request's key as WooCommerce does: Basic auth over
// HTTPS, the key's permissions by method, then the user's capability.
func (d *Double) authenticate(r *http.Request) (apiError, bool) {
	write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	user, pass, ok := r.BasicAuth()
	if ok && r.TLS == nil && !d.opts.BasicOverHTTP {
		ok = false // WooCommerce reads Basic auth only on HTTPS; over HTTP it wants OAuth 1.0a
	}
	if !ok {
		if write {
			return newError(401, "woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."), false
		}
		return newError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."), false
	}
	key, known := d.opts.Keys[user]
	switch {
	case !known:
		return newError(401, "woocommerce_rest_authentication_error", "Consumer key is invalid."), false
	case key.Secret != pass:
		return newError(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid."), false
	case write && key.Permissions != "write" && key.Permissions != "read_write":
		return newError(401, "woocommerce_rest_authentication_error", "The API key provided does not have write permissions."), false
	case !write && key.Permissions != "read" && key.Permissions != "read_write":
		return newError(401, "woocommerce_rest_authentication_error", "The API key provided does not have read permissions."), false
	case key.NoCapability && write:
		return newError(403, "woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."), false
	}
	return apiError{}, true
}

func (d *Double) systemStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"environment": map[string]any{"version": "9.4.0", "wp_version": "6.7", "site_url": "https://" + r.Host},
		"settings":    map[string]any{"currency": "EUR", "api_enabled": true},
	})
}

// paging reads page and per_page as WordPress does: per_page 1 to 100.
func paging(r *http.Request) (page, perPage int, e *apiError) {
	page, perPage = 1, 10
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			x := newError(400, "rest_invalid_param", "Invalid parameter(s): page")
			return 0, 0, &x
		}
		page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			x := newError(400, "rest_invalid_param", "Invalid parameter(s): per_page (per_page must be between 1 (inclusive) and 100 (inclusive))")
			return 0, 0, &x
		}
		perPage = n
	}
	return page, perPage, nil
}

// writePage answers one page of items with WordPress's paging headers.
func writePage[T any](w http.ResponseWriter, all []T, page, perPage int) {
	total := len(all)
	pages := (total + perPage - 1) / perPage
	w.Header().Set("X-WP-Total", strconv.Itoa(total))
	w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	from := min((page-1)*perPage, total)
	to := min(from+perPage, total)
	writeJSON(w, 200, all[from:to])
}

func hasTerm(ts []Term, id string) bool {
	n, err := strconv.Atoi(id)
	return err == nil && slices.ContainsFunc(ts, func(t Term) bool { return t.ID == n })
}

func (d *Double) listProducts(w http.ResponseWriter, r *http.Request) {
	page, perPage, e := paging(r)
	if e != nil {
		writeError(w, *e)
		return
	}
	q := r.URL.Query()
	var include []int
	if v := q.Get("include"); v != "" {
		for _, s := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
				include = append(include, n)
			}
		}
	}
	d.mu.Lock()
	d.stats.PageRequests++
	var out []Product
	for _, id := range d.sortedProducts() {
		p := d.products[id]
		switch {
		case q.Get("status") != "" && q.Get("status") != "any" && p.Status != q.Get("status"),
			q.Get("tag") != "" && !hasTerm(p.Tags, q.Get("tag")),
			q.Get("category") != "" && !hasTerm(p.Categories, q.Get("category")),
			q.Get("type") != "" && p.Type != q.Get("type"),
			include != nil && !slices.Contains(include, p.ID):
			continue
		}
		out = append(out, cloneProduct(p))
	}
	d.mu.Unlock()
	if out == nil {
		out = []Product{}
	}
	writePage(w, out, page, perPage)
}

func (d *Double) sortedProducts() []int {
	ids := make([]int, 0, len(d.products))
	for id := range d.products {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (d *Double) listVariations(w http.ResponseWriter, r *http.Request) {
	page, perPage, e := paging(r)
	if e != nil {
		writeError(w, *e)
		return
	}
	pid, _ := strconv.Atoi(r.PathValue("id"))
	d.mu.Lock()
	d.stats.PageRequests++
	p, ok := d.products[pid]
	var out []Variation
	if ok {
		for _, id := range p.Variations {
			if v, ok := d.variations[id]; ok {
				out = append(out, cloneVariation(v))
			}
		}
	}
	d.mu.Unlock()
	if !ok {
		writeError(w, newError(404, "woocommerce_rest_product_invalid_id", "Invalid ID."))
		return
	}
	if out == nil {
		out = []Variation{}
	}
	writePage(w, out, page, perPage)
}
