package vendure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

func TestStem(t *testing.T) {
	for _, c := range []struct {
		skus []string
		want string
	}{
		{[]string{"BG-SOL-750-50", "BG-SOL-750-52"}, "BG-SOL-750"},
		{[]string{"BG-SOL-750-50"}, "BG-SOL-750"},
		{[]string{"CH-FOR/40-cm", "CH-FOR/45-cm"}, "CH-FOR"}, // stems differ ("CH-FOR/40", "CH-FOR/45"): common prefix
		{[]string{"KE2042-001-21-40CM", "KE2042-001-21-45CM"}, "KE2042-001-21"},
		{[]string{"T1204071704100"}, "T1204071704100"},
		{[]string{"X-1", "Y-1"}, "X-1"[:0]},
		{[]string{"AR3-48-X48", "AR3-58-X58"}, "AR3"},
		{nil, ""},
	} {
		if got := Stem(c.skus); got != c.want {
			t.Errorf("Stem(%q) = %q, want %q", c.skus, got, c.want)
		}
	}
}

func decodeOpen(t *testing.T, text string, secret shop.Secret) (shop.Shop, error) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return shop.Open(Kind, doc.Content[0], shop.Env{Boutique: "b1", Secret: secret})
}

func TestOpenSettings(t *testing.T) {
	s, err := decodeOpen(t, "kind: vendure\nurl: https://shop.example.com/\nusername: ecrin\nsecret: {env: X}\nmanaged_facet: ecrin:managed\nmax_batch: 250\n", "pw")
	if err != nil {
		t.Fatal(err)
	}
	a := s.(*Adapter)
	if a.Traits() != (shop.Traits{Reserves: true, MaxBatch: 250}) || a.endpoint != "https://shop.example.com/admin-api" {
		t.Errorf("traits %+v, endpoint %s", a.Traits(), a.endpoint)
	}
	if a.opts.BrandFacet != "brand" || len(a.opts.SizeGroups) != 2 || a.opts.BackorderLimit != DefaultBackorderLimit {
		t.Errorf("defaults: %+v", a.opts)
	}
	for text, want := range map[string]string{
		"url: https://x\nusername: u\nusernme: typo\n": `unknown shop setting "usernme"`,
		"username: u\n":                     "shop.url is required",
		"url: https://x\n":                  "shop.username is required",
		"url: https://u:p@x\nusername: u\n": "must not carry credentials",
		"url: https://x\nusername: u\nmanaged_facet: managed\n":            "want facet:value",
		"url: https://x\nusername: u\nref_field: 'a b'\n":                  "not a GraphQL field name",
		"url: https://x\nusername: u\nmax_batch: 5000\n":                   "max_batch 5000",
		"url: ftp://x\nusername: u\n":                                      "want http(s)",
		"url: https://x\nusername: u\nrestock_days_field: 'x{ y }'\n":      "not a GraphQL field name",
		"url: https://x\nusername: u\nbackoff_base: 2m\nbackoff_max: 1m\n": "backoff_max",
	} {
		if _, err := decodeOpen(t, text, "pw"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", text, err, want)
		}
	}
	if _, err := New(Options{URL: "https://x", Username: "u"}, ""); err == nil {
		t.Error("no password: accepted")
	}
}

// fake is a Vendure double: enough of the Admin API for the login, the look-ups
// and the mutations of a push, with sessions that can expire.
type fake struct {
	mu       sync.Mutex
	password string
	sessions map[string]bool
	logins   int
	variants map[string]map[string]any // id → last input
	refuse   string                    // a variant id updateProductVariants refuses
	updates  int                       // updateProductVariants requests
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var req struct {
		OperationName string
		Variables     map[string]any
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	answer := func(data any) { _ = json.NewEncoder(w).Encode(map[string]any{"data": data}) }
	if req.OperationName == "Login" {
		if req.Variables["p"] != f.password {
			answer(map[string]any{"login": map[string]any{"__typename": "InvalidCredentialsError", "errorCode": "INVALID_CREDENTIALS_ERROR", "message": "The provided credentials are invalid"}})
			return
		}
		f.logins++
		tok := "tok" + strings.Repeat("x", f.logins)
		f.sessions[tok] = true
		w.Header().Set("vendure-auth-token", tok)
		answer(map[string]any{"login": map[string]any{"__typename": "CurrentUser"}})
		return
	}
	if !f.sessions[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
		_ = json.NewEncoder(w).Encode(map[string]any{"data": nil, "errors": []any{map[string]any{
			"message": "You are not currently authorized to perform this action", "extensions": map[string]any{"code": "FORBIDDEN"}}}})
		return
	}
	switch req.OperationName {
	case "StockLocations":
		answer(map[string]any{"stockLocations": map[string]any{"items": []any{map[string]any{"id": "1", "name": "Default Stock Location"}}}})
	case "BatchVariants":
		ids := req.Variables["options"].(map[string]any)["filter"].(map[string]any)["id"].(map[string]any)["in"].([]any)
		var items []any
		for _, id := range ids {
			if _, ok := f.variants[id.(string)]; ok {
				items = append(items, map[string]any{"id": id, "productId": "p1", "sku": "S"})
			}
		}
		answer(map[string]any{"productVariants": map[string]any{"items": items}})
	case "UpdateVariants":
		f.updates++
		inputs := req.Variables["input"].([]any)
		for _, in := range inputs {
			if in.(map[string]any)["id"] == f.refuse {
				_ = json.NewEncoder(w).Encode(map[string]any{"data": nil, "errors": []any{map[string]any{"message": "stockOnHand cannot be negative"}}})
				return
			}
		}
		var out []any
		for _, in := range inputs {
			m := in.(map[string]any)
			f.variants[m["id"].(string)] = m
			out = append(out, map[string]any{"id": m["id"]})
		}
		answer(map[string]any{"updateProductVariants": out})
	default:
		http.Error(w, "unknown operation "+req.OperationName, http.StatusBadRequest)
	}
}

func TestPushAgainstDouble(t *testing.T) {
	f := &fake{password: "s3cret-pw", sessions: map[string]bool{}, refuse: "v3",
		variants: map[string]map[string]any{"v1": nil, "v2": nil, "v3": nil}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	a, err := New(Options{URL: srv.URL, Username: "ecrin", RetryOptions: shop.RetryOptions{BackoffBase: time.Millisecond, BackoffMax: time.Millisecond}}, "s3cret-pw")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	items := []shop.Item{
		{ProductID: "p1", VariantID: "v1", Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 12300},
		{ProductID: "p1", VariantID: "v9", Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: "p1", VariantID: "v3", Published: true, Availability: "in_stock", OnHand: 1},
		{ProductID: "p1", VariantID: "v2", Published: true, Availability: "backorder", OnHand: 0},
	}
	res, err := a.Push(ctx, "k1", items)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false, false, true} {
		if res[i].Accepted != want || res[i].VariantID != items[i].VariantID {
			t.Errorf("item %d: %+v", i, res[i])
		}
	}
	if !strings.Contains(res[1].Reason, "no product variant v9") || !strings.Contains(res[2].Reason, "cannot be negative") {
		t.Errorf("reasons: %q, %q", res[1].Reason, res[2].Reason)
	}
	if v := f.variants["v1"]; v["price"] != float64(12300) || v["outOfStockThreshold"] != float64(0) {
		t.Errorf("v1: %+v", v)
	}
	if v := f.variants["v2"]; v["outOfStockThreshold"] != float64(-DefaultBackorderLimit) || v["useGlobalOutOfStockThreshold"] != false {
		t.Errorf("v2: %+v", v)
	}
	if _, ok := f.variants["v2"]["price"]; ok {
		t.Error("v2: a price sent without one from the ERP")
	}

	// The session expires: the adapter logs in again, once.
	f.mu.Lock()
	f.sessions = map[string]bool{}
	f.mu.Unlock()
	if _, err := a.Push(ctx, "k2", items[:1]); err != nil {
		t.Fatal(err)
	}
	if f.logins != 2 {
		t.Errorf("%d logins, want 2", f.logins)
	}

	// A batch whose mutation would exceed max_request_bytes goes in several requests.
	c, _ := New(Options{URL: srv.URL, Username: "ecrin", MaxRequestBytes: 2000}, "s3cret-pw")
	var many []shop.Item
	f.mu.Lock()
	for i := range 20 {
		id := fmt.Sprintf("w%d", i)
		f.variants[id] = nil
		many = append(many, shop.Item{ProductID: "p1", VariantID: id, Published: true, Availability: "in_stock", OnHand: i, PriceCents: 1000})
	}
	f.updates = 0
	f.mu.Unlock()
	res, err = c.Push(ctx, "k4", many)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !r.Accepted || f.variants[many[i].VariantID] == nil {
			t.Errorf("chunked item %d: %+v", i, r)
		}
	}
	if f.updates < 3 {
		t.Errorf("20 updates under 2000 bytes a request went in %d requests", f.updates)
	}

	// A wrong password: an error that names the user and where, never the password.
	b, _ := New(Options{URL: srv.URL, Username: "ecrin"}, "wrong-pw")
	_, err = b.Push(ctx, "k3", items[:1])
	if err == nil || !strings.Contains(err.Error(), "INVALID_CREDENTIALS_ERROR") || !strings.Contains(err.Error(), `"k3"`) ||
		strings.Contains(err.Error(), "wrong-pw") || strings.Contains(err.Error(), "tok") {
		t.Errorf("wrong password: %v", err)
	}
}
