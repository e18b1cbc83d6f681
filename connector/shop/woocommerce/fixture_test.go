package woocommerce_test

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce/wcdouble"
)

// Keys the test double knows.
const (
	keyRW     = "ck_readwrite0000000000000000000000000001"
	keyRO     = "ck_readonly00000000000000000000000000002"
	keyNoCap  = "ck_customer00000000000000000000000000003"
	secretRW  = "cs_secret_rw_5f2a"
	secretRO  = "cs_secret_ro_9c1d"
	secretCap = "cs_secret_cap_77aa"
)

// fixture is a double served over TLS, and what it was seeded with.
type fixture struct {
	t      *testing.T
	d      *wcdouble.Double
	srv    *httptest.Server
	caFile string

	ring            int // variable, Taille 50 52 54
	ringSizes       []int
	chain           int // variable, Size 42 45
	chainSizes      []int
	watch           int // simple
	other           int // simple, outside the managed tag
	ringSKU, watchS string
}

func newFixture(t *testing.T, opts wcdouble.Options) *fixture {
	t.Helper()
	opts.Keys = map[string]wcdouble.Key{
		keyRW:    {Secret: secretRW, Permissions: "read_write"},
		keyRO:    {Secret: secretRO, Permissions: "read"},
		keyNoCap: {Secret: secretCap, Permissions: "read_write", NoCapability: true},
	}
	d := wcdouble.New(opts)
	srv := httptest.NewTLSServer(d.Handler())
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, d: d, srv: srv, caFile: ca, ringSKU: "BG-100", watchS: "T120.407.17.041.00"}
	tag := []string{"ecrin"}
	f.ring, f.ringSizes = d.AddVariable("Bague solitaire", "Taille",
		wcdouble.Seed{SKU: f.ringSKU, Brand: "Maison", Published: true, Tags: tag, Categories: []string{"Bagues"}},
		[]wcdouble.Seed{{Size: "50", GTIN: "3600000000012", Published: true, Quantity: 1}, {Size: "52", Published: true}, {Size: "54", Published: true}})
	f.chain, f.chainSizes = d.AddVariable("Chaîne", "size",
		wcdouble.Seed{SKU: "CH-7", Brand: "Maison", Tags: tag},
		[]wcdouble.Seed{{Size: "42 cm", Published: true}, {Size: "45 cm", Published: true}})
	f.watch = d.AddSimple("Montre", wcdouble.Seed{SKU: f.watchS, GTIN: "7611608290000", Brand: "Tissot", Published: true, Quantity: 2, Price: "450.00", Tags: tag})
	f.other = d.AddSimple("Carte cadeau", wcdouble.Seed{SKU: "GIFT", Published: true, Quantity: 99})
	return f
}

// options are the adapter's settings for the fixture, with key and fast retries.
func (f *fixture) options(key string) woocommerce.Options {
	return woocommerce.Options{URL: f.srv.URL, ConsumerKey: key, CAFile: f.caFile, ManagedTag: wcdouble.TermID("ecrin"),
		RetryOptions: shop.RetryOptions{MaxRetries: 4, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}}
}

func (f *fixture) adapter(key string, secret shop.Secret) *woocommerce.Adapter {
	f.t.Helper()
	a, err := woocommerce.New(f.options(key), secret)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// newPlainServer serves the double over plain HTTP and returns its URL.
func newPlainServer(t *testing.T, d *wcdouble.Double) string {
	t.Helper()
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}
