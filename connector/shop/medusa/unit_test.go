package medusa

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

func TestAmounts(t *testing.T) {
	for cents, want := range map[int64]string{12345: "123.45", 100: "1", 5: "0.05", 0: "0", 99900: "999", 123456: "1234.56", -250: "-2.50"} {
		if got := amountOf(cents); string(got) != want {
			t.Errorf("amountOf(%d) = %s, want %s", cents, got, want)
		}
		if back, err := centsOf(amountOf(cents)); err != nil || back != cents {
			t.Errorf("centsOf(amountOf(%d)) = %d, %v", cents, back, err)
		}
	}
	for amount, want := range map[string]int64{"2450.5": 245050, "0.1": 10, "1e2": 10000, "123.455": 12346, "19.99": 1999, "-0.005": -1} {
		if got, err := centsOf(json.Number(amount)); err != nil || got != want {
			t.Errorf("centsOf(%s) = %d, %v; want %d", amount, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "1e40"} {
		if _, err := centsOf(json.Number(bad)); err == nil {
			t.Errorf("centsOf(%q) succeeded", bad)
		}
	}
}

func TestSKUStem(t *testing.T) {
	for _, c := range []struct {
		skus, sizes []string
		want        string
	}{
		{[]string{"BAG-SOL-01-50", "BAG-SOL-01-52"}, []string{"50", "52"}, "BAG-SOL-01"},
		{[]string{"CHA-FOR-45-40 cm", "CHA-FOR-45-45 cm"}, []string{"40 cm", "45 cm"}, "CHA-FOR-45"},
		{[]string{"CHA-40cm", "CHA-45cm"}, []string{"40 cm", "45 cm"}, "CHA"},
		{[]string{"R1/52"}, []string{"52"}, "R1"},
		{[]string{"ABC-X", "ABC-Y"}, []string{"50", "52"}, "ABC"},
		{[]string{"ONLY"}, []string{"T1"}, "ONLY"},
		{nil, nil, ""},
	} {
		if got := skuStem(c.skus, c.sizes); got != c.want {
			t.Errorf("skuStem(%q, %q) = %q, want %q", c.skus, c.sizes, got, c.want)
		}
	}
}

func openYAML(t *testing.T, text string, secret string) (shop.Shop, error) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		t.Fatal(err)
	}
	return shop.Open(Kind, n.Content[0], shop.Env{Secret: shop.Secret(secret)})
}

func TestSettings(t *testing.T) {
	good := "kind: medusa\nsecret: {env: X}\nurl: https://shop.example.fr\nsales_channel: sc_1\nstock_location: sloc_1\n"
	sh, err := openYAML(t, good, "sk_x")
	if err != nil {
		t.Fatal(err)
	}
	o := sh.(*Adapter).Options()
	if o.Currency != "eur" || o.Brand != "metadata:brand" || o.MaxBatch != DefaultMaxBatch || len(o.SizeOptions) != 2 {
		t.Errorf("defaults: %+v", o)
	}
	if s := sh.String(); strings.Contains(s, "sk_x") || !strings.Contains(s, "shop.example.fr") {
		t.Errorf("String() = %q", s)
	}
	for text, want := range map[string]string{
		good + "colour: blue\n":                              `unknown shop setting "colour"`,
		"kind: medusa\nsales_channel: sc\n":                  "shop.url is required",
		"kind: medusa\nurl: https://x\n":                     "shop.sales_channel is required",
		good + "brand: vendor\n":                             "shop.brand",
		good + "brand: metadata\n":                           "metadata:<key>",
		good + "max_batch: 5000\n":                           "max_batch",
		strings.Replace(good, "https://", "https://u:p@", 1): "credentials",
	} {
		if _, err := openYAML(t, text, "sk_x"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}

// TestAnswersThatAreNotMedusas: refusals, garbage and cut answers are errors
// that name the request, never the key, and never a panic.
func TestAnswersThatAreNotMedusas(t *testing.T) {
	const key = "sk_secret_123"
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		switch {
		case strings.HasPrefix(r.URL.Path, "/admin/sales-channels"):
			w.WriteHeader(401)
			w.Write([]byte(`{"type":"unauthorized","message":"Unauthorized"}`))
		case r.URL.Path == "/admin/products" && r.URL.Query().Get("offset") == "0":
			w.Write([]byte(`{"products":[{"id":"p1","variants":[{"id":"v1","options":null}]},{"id":7}],"count":2}`))
		case r.URL.Path == "/admin/reservations":
			w.Write([]byte(`{"reservations":[{"id":"r1","line_item_id":"l1","quantity":"x","created_at":"not a date"}]`))
		default:
			w.Write([]byte(`not json`))
		}
	}))
	defer srv.Close()
	sh, err := openYAML(t, "url: "+srv.URL+"\nsales_channel: sc\nstock_location: sl\nmax_retries: -1\n", key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	err = sh.Ping(ctx)
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), key) {
		t.Errorf("ping: %v", err)
	}
	if auth != "Basic c2tfc2VjcmV0XzEyMzo=" { // base64("sk_secret_123:")
		t.Errorf("Authorization %q", auth)
	}
	if _, err := sh.Catalog(ctx); err == nil || !strings.Contains(err.Error(), "GET /admin/products") {
		t.Errorf("catalog: %v", err)
	}
	if _, err := sh.OpenOrders(ctx); err == nil || !strings.Contains(err.Error(), "/admin/reservations") {
		t.Errorf("open orders: %v", err)
	}
	if _, err := sh.Push(ctx, "k", []shop.Item{{ProductID: "p1"}}); err == nil {
		t.Error("push on garbage succeeded")
	}
}

// TestSampleYAML: the README's sample block opens.
func TestSampleYAML(t *testing.T) {
	b, err := os.ReadFile("sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Shop yaml.Node `yaml:"shop"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if _, err := shop.Open(Kind, &doc.Shop, shop.Env{Secret: "sk_x"}); err != nil {
		t.Fatal(err)
	}
}

// TestPushFallsBackItemByItem: when Medusa refuses a batch request (its workflows
// are all-or-nothing), the adapter sends the items one by one, so that the bad one
// is rejected alone and the others applied.
func TestPushFallsBackItemByItem(t *testing.T) {
	var calls []string
	bodies := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, r.Method+" "+r.URL.Path)
		b, _ := io.ReadAll(r.Body)
		bodies[r.URL.Path] = string(b)
		switch {
		case r.Method == "GET" && r.URL.Path == "/admin/products":
			w.Write([]byte(`{"count":1,"products":[{"id":"p1","status":"published","options":[{"title":"Taille"}],"variants":[
			 {"id":"v1","manage_inventory":true,"options":[{"value":"50","option":{"title":"Taille"}}],
			  "prices":[{"id":"pr1","amount":10,"currency_code":"eur","rules":{}}],
			  "inventory_items":[{"inventory_item_id":"i1","inventory":{"location_levels":[{"location_id":"sl","stocked_quantity":0}]}}]},
			 {"id":"v2","manage_inventory":true,"options":[{"value":"52","option":{"title":"Taille"}}],
			  "prices":[{"id":"pr2","amount":10,"currency_code":"eur","rules":{}},{"id":"pr3","amount":12,"currency_code":"usd","rules":{}}],
			  "inventory_items":[{"inventory_item_id":"i2","inventory":{"location_levels":[{"location_id":"sl","stocked_quantity":0}]}}]}]}]}`))
		case strings.HasSuffix(r.URL.Path, "/batch"):
			w.WriteHeader(400)
			w.Write([]byte(`{"type":"invalid_data","message":"something in the batch"}`))
		case r.URL.Path == "/admin/products/p1/variants/v2",
			r.URL.Path == "/admin/inventory-items/i2/location-levels/sl":
			w.WriteHeader(400)
			w.Write([]byte(`{"type":"invalid_data","message":"v2 is locked"}`))
		default:
			w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	sh, err := openYAML(t, "url: "+srv.URL+"\nsales_channel: sc\nstock_location: sl\nmax_retries: -1\n", "sk_x")
	if err != nil {
		t.Fatal(err)
	}
	res, err := sh.Push(context.Background(), "k", []shop.Item{
		{ProductID: "p1", VariantID: "v1", Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 1250},
		{ProductID: "p1", VariantID: "v2", Published: true, Availability: "in_stock", OnHand: 1, PriceCents: 1250},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Accepted || res[1].Accepted || !strings.Contains(res[1].Reason, "v2 is locked") {
		t.Fatalf("results %+v", res)
	}
	// The other prices of a variant go back as they were; 1250 cents is 12.5.
	if b := bodies["/admin/products/p1/variants/v2"]; !strings.Contains(b, `{"id":"pr3","currency_code":"usd","amount":12}`) ||
		!strings.Contains(b, `{"id":"pr2","currency_code":"eur","amount":12.50}`) {
		t.Errorf("variant update %s", b)
	}
	for _, want := range []string{"POST /admin/products/batch", "POST /admin/products/p1/variants/batch", "POST /admin/products/p1/variants/v1",
		"POST /admin/inventory-items/location-levels/batch", "POST /admin/inventory-items/i1/location-levels/sl"} {
		if !slices.Contains(calls, want) {
			t.Errorf("no %s in %q", want, calls)
		}
	}
}
