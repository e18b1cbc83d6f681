package wcdouble

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// call sends a request to the double with the key and returns status, headers
// and the body decoded as generic JSON.
func call(t *testing.T, srv *httptest.Server, method, path, key, secret, body string) (int, http.Header, any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+Prefix+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.SetBasicAuth(key, secret)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, resp.Header, v
}

func code(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["code"].(string)
	return s
}

// TestContract checks the double against what the documentation and
// WooCommerce's source say, request by request.
func TestContract(t *testing.T) {
	d := New(Options{BatchLimit: 3, Keys: map[string]Key{
		"ck_rw": {Secret: "s", Permissions: "read_write"},
		"ck_r":  {Secret: "s", Permissions: "read"},
		"ck_w":  {Secret: "s", Permissions: "write"},
	}})
	var ids []int
	for range 5 {
		ids = append(ids, d.AddSimple("p", Seed{SKU: "X", Published: true, Quantity: 1}))
	}
	pid, vids := d.AddVariable("ring", "Taille", Seed{SKU: "R"}, []Seed{{Size: "52", Published: true}})
	srv := httptest.NewTLSServer(d.Handler())
	defer srv.Close()
	plain := httptest.NewServer(d.Handler())
	defer plain.Close()

	tests := []struct {
		name, method, path, key, body string
		server                        *httptest.Server
		status                        int
		code                          string
	}{
		{"no credentials", "GET", "/products", "", "", srv, 401, "woocommerce_rest_cannot_view"},
		{"basic auth over plain http is not read", "GET", "/products", "ck_rw", "", plain, 401, "woocommerce_rest_cannot_view"},
		{"unknown key", "GET", "/products", "ck_x", "", srv, 401, "woocommerce_rest_authentication_error"},
		{"read key reads", "GET", "/products?per_page=2", "ck_r", "", srv, 200, ""},
		{"read key writes", "POST", "/products/batch", "ck_r", `{}`, srv, 401, "woocommerce_rest_authentication_error"},
		{"write key reads", "GET", "/system_status", "ck_w", "", srv, 401, "woocommerce_rest_authentication_error"},
		{"per_page over 100", "GET", "/products?per_page=101", "ck_rw", "", srv, 400, "rest_invalid_param"},
		{"over the batch limit", "POST", "/products/batch", "ck_rw", `{"update":[{"id":1},{"id":2},{"id":3},{"id":4}]}`, srv, 413, "woocommerce_rest_request_entity_too_large"},
		{"limit counts every list", "POST", "/products/batch", "ck_rw", `{"update":[{"id":1},{"id":2}],"delete":[3,4]}`, srv, 413, "woocommerce_rest_request_entity_too_large"},
		{"bad json", "POST", "/products/batch", "ck_rw", `{"update":`, srv, 400, "rest_invalid_json"},
		{"no route", "GET", "/coupons", "ck_rw", "", srv, 404, "rest_no_route"},
		{"variations of an unknown product", "GET", "/products/999/variations", "ck_rw", "", srv, 404, "woocommerce_rest_product_invalid_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, v := call(t, tt.server, tt.method, tt.path, tt.key, "s", tt.body)
			if status != tt.status || code(v) != tt.code {
				t.Fatalf("answered %d %v, want %d %s", status, v, tt.status, tt.code)
			}
		})
	}

	t.Run("paging headers", func(t *testing.T) {
		_, h, v := call(t, srv, "GET", "/products?per_page=2&page=3", "ck_rw", "s", "")
		if h.Get("X-WP-Total") != "6" || h.Get("X-WP-TotalPages") != "3" || len(v.([]any)) != 2 {
			t.Fatalf("headers %v, %d items", h, len(v.([]any)))
		}
	})

	t.Run("a 200 with error objects for the items it cannot apply", func(t *testing.T) {
		body := `{"update":[{"id":` + itoa(ids[0]) + `,"stock_quantity":0,"backorders":"notify","regular_price":"12.50"},` +
			`{"id":` + itoa(ids[1]) + `,"regular_price":12.5},{"id":99999,"status":"publish"}]}`
		status, _, v := call(t, srv, "POST", "/products/batch", "ck_rw", "s", body)
		up, _ := v.(map[string]any)["update"].([]any)
		if status != 200 || len(up) != 3 {
			t.Fatalf("%d %v", status, v)
		}
		if e := up[0].(map[string]any)["error"]; e != nil {
			t.Errorf("item 0 refused: %v", e)
		}
		if e, _ := up[1].(map[string]any)["error"].(map[string]any); e["code"] != "rest_invalid_param" {
			t.Errorf("a number as regular_price: %v", up[1])
		}
		if e, _ := up[2].(map[string]any)["error"].(map[string]any); e["code"] != "woocommerce_rest_product_invalid_id" {
			t.Errorf("an unknown id: %v", up[2])
		}
		p, _ := d.Product(ids[0])
		if p.StockStatus != "onbackorder" || p.RegularPrice != "12.50" {
			t.Errorf("item 0 holds %+v", p.Stock)
		}
		if p, _ := d.Product(ids[1]); p.RegularPrice != "" {
			t.Errorf("the refused item changed: %+v", p.Stock)
		}
	})

	t.Run("a variation belongs to its parent", func(t *testing.T) {
		status, _, v := call(t, srv, "POST", "/products/"+itoa(ids[0])+"/variations/batch", "ck_rw", "s", `{"update":[{"id":`+itoa(vids[0])+`,"stock_quantity":3}]}`)
		up, _ := v.(map[string]any)["update"].([]any)
		if status != 200 || len(up) != 1 || up[0].(map[string]any)["error"] == nil {
			t.Fatalf("%d %v", status, v)
		}
		status, _, v = call(t, srv, "POST", "/products/"+itoa(pid)+"/variations/batch", "ck_rw", "s", `{"update":[{"id":`+itoa(vids[0])+`,"stock_quantity":3,"manage_stock":true}]}`)
		if vv, _ := d.Variation(vids[0]); status != 200 || vv.Quantity() != 3 || vv.StockStatus != "instock" {
			t.Fatalf("%d %v %+v", status, v, vv.Stock)
		}
	})

	t.Run("injected faults", func(t *testing.T) {
		d.Fail(1, 503, "2")
		status, h, _ := call(t, srv, "GET", "/system_status", "ck_rw", "s", "")
		if status != 503 || h.Get("Retry-After") != "2" {
			t.Fatalf("%d %v", status, h)
		}
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
