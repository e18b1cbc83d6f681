package woocommerce

import (
	"strings"
	"testing"
)

func TestPriceStringIsExact(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 99900: "999.00", 123456: "1234.56", 1<<53 + 1: "90071992547409.93"} {
		got, err := priceString(cents)
		if err != nil || got != want {
			t.Errorf("priceString(%d) = %q, %v; want %q", cents, got, err, want)
		}
		back, err := parsePrice(got)
		if err != nil || back != cents {
			t.Errorf("parsePrice(%q) = %d, %v", got, back, err)
		}
	}
	if _, err := priceString(-1); err == nil {
		t.Error("a negative price was written")
	}
	for s, want := range map[string]int64{"": 0, "12": 1200, "12.5": 1250, "12.500": 1250, " 7.01 ": 701} {
		if got, err := parsePrice(s); err != nil || got != want {
			t.Errorf("parsePrice(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"12,50", "-1", "1e3", "12.505", ".5", "abc", "1.2.3", "99999999999999999999"} {
		if _, err := parsePrice(s); err == nil {
			t.Errorf("parsePrice(%q) accepted", s)
		}
	}
}

func TestOptionsAreChecked(t *testing.T) {
	base := Options{URL: "https://shop.example.fr", ConsumerKey: "ck_x"}
	tests := []struct {
		name string
		edit func(*Options)
		want string // "" : valid
	}{
		{"defaults", func(*Options) {}, ""},
		{"http on loopback", func(o *Options) { o.URL = "http://127.0.0.1:8080" }, ""},
		{"http elsewhere", func(o *Options) { o.URL = "http://shop.example.fr" }, "only over HTTPS"},
		{"http with allow_http", func(o *Options) { o.URL = "http://shop.lan"; o.AllowHTTP = true }, ""},
		{"no url", func(o *Options) { o.URL = "" }, "shop.url is required"},
		{"credentials in url", func(o *Options) { o.URL = "https://ck:cs@shop.example.fr" }, "must not carry credentials"},
		{"no key", func(o *Options) { o.ConsumerKey = "" }, "consumer_key is required"},
		{"page size", func(o *Options) { o.PageSize = 101 }, "page_size"},
		{"max batch", func(o *Options) { o.MaxBatch = -1 }, "max_batch"},
		{"brand", func(o *Options) { o.Brand = "attribute:" }, "shop.brand"},
		{"brand source", func(o *Options) { o.Brand = "vendor" }, "shop.brand"},
		{"ean", func(o *Options) { o.EAN = "barcode" }, "shop.ean"},
		{"unpublished status", func(o *Options) { o.UnpublishedStatus = "trash" }, "unpublished_status"},
		{"open statuses", func(o *Options) { o.OpenStatuses = []string{"processing,on-hold"} }, "open_statuses"},
		{"managed tag", func(o *Options) { o.ManagedTag = -3 }, "managed_tag"},
		{"ca file", func(o *Options) { o.CAFile = "/nonexistent/ca.pem" }, "ca_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			tt.edit(&o)
			_, err := New(o, "cs_secret")
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStatusErrors(t *testing.T) {
	e := statusError("GET /products", 500, []byte("<html>Fatal error</html>"))
	if !strings.Contains(e.Error(), "500") {
		t.Error(e)
	}
	e = statusError("POST /products/batch", 413, []byte(`{"code":"woocommerce_rest_request_entity_too_large","message":"Unable to accept more than 100 items for this request.","data":{"status":413}}`))
	if e.Unwrap() == nil || !strings.Contains(e.Error(), "more than 100") {
		t.Error(e)
	}
}
