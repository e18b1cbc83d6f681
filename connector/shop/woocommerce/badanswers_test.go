package woocommerce_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce"
)

// TestBadAnswersAreClearErrors: whatever a broken site answers (a PHP notice
// before the JSON, a cache's HTML page, an answer for other items, no paging
// headers and no end), the adapter returns an error that says what it was doing,
// and never panics.
func TestBadAnswersAreClearErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		headers map[string]string
		body    string
		call    string // catalog, push, orders
		want    string
	}{
		{"php notice before the json", 200, nil, "<br />\n<b>Notice</b>: Undefined index\n[]", "catalog", "read answer"},
		{"html page", 200, nil, "<html>Maintenance</html>", "orders", "read answer"},
		{"object instead of list", 200, nil, `{"id":1}`, "catalog", "read answer"},
		{"fatal error", 500, nil, "<html>There has been a critical error on this website.</html>", "catalog", "answered 500"},
		{"too few results", 200, nil, `{"update":[]}`, "push", "0 answers for 1 items"},
		{"results for another id", 200, nil, `{"update":[{"id":77}]}`, "push", "is for id 77"},
		{"no update list", 200, nil, `[]`, "push", "read answer"},
		{"bad date", 200, map[string]string{"X-WP-TotalPages": "1"}, `[{"id":5,"date_created_gmt":"hier","line_items":[{"product_id":1,"quantity":1}]}]`, "orders", "date_created_gmt"},
		{"string quantity", 200, nil, `[{"id":5,"line_items":[{"product_id":1,"quantity":"1"}]}]`, "orders", "read answer"},
		{"not found", 404, nil, `{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}`, "catalog", "rest_no_route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("include") != "" { // the type look-up of a push
					_, _ = w.Write([]byte(`[{"id":10,"type":"simple"}]`))
					return
				}
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			a, err := woocommerce.New(woocommerce.Options{URL: srv.URL, ConsumerKey: "ck_x",
				RetryOptions: shop.RetryOptions{MaxRetries: -1}}, "cs_secret_never_shown")
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			switch tt.call {
			case "catalog":
				_, err = a.Catalog(ctx)
			case "orders":
				_, err = a.OpenOrders(ctx)
			case "push":
				_, err = a.Push(ctx, "k", []shop.Item{{ProductID: "10", Published: true, Availability: "in_stock", OnHand: 1}})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "cs_secret_never_shown") {
				t.Fatalf("the error shows the secret: %v", err)
			}
		})
	}
}

// TestEndlessPagingStops: a site announcing pages it never fills stops at the
// first empty page.
func TestEndlessPagingStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-WP-TotalPages", "1000000")
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	a, err := woocommerce.New(woocommerce.Options{URL: srv.URL, ConsumerKey: "ck_x"}, "cs")
	if err != nil {
		t.Fatal(err)
	}
	if cat, err := a.Catalog(context.Background()); err != nil || len(cat) != 0 {
		t.Fatalf("%v %v", cat, err)
	}
}
