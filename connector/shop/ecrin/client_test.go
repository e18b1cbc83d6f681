package ecrin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	eshop "github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
	"github.com/xuri/excelize/v2"
)

const testSecret = "s3cr3t-0123456789abcdef-0123456789"

// testShop is shopsim running on 127.0.0.1, counting the requests it receives.
type testShop struct {
	*shopsim.Server
	URL string

	mu       sync.Mutex
	requests map[string]int // by path
}

func (s *testShop) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// newShop starts shopsim with products and a shop clock shifted by skew.
func newShop(t testing.TB, products []shopsim.Product, skew time.Duration) *testShop {
	t.Helper()
	srv, err := shopsim.New(shopsim.Options{
		DBPath:   filepath.Join(t.TempDir(), "shop.db"),
		Secret:   []byte(testSecret),
		Boutique: "B042",
		Now:      func() time.Time { return time.Now().Add(skew) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := srv.LoadCatalog(context.Background(), products); err != nil {
		t.Fatal(err)
	}
	ts := &testShop{Server: srv, requests: map[string]int{}}
	h := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.requests[r.URL.Path]++
		ts.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	ts.URL = hs.URL
	return ts
}

// newClient returns a client of shop with tiny backoffs; edit adjusts the config.
func newClient(t testing.TB, shop *testShop, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{URL: shop.URL + "/", Boutique: "B042", Secret: testSecret, Timeout: 5 * time.Second,
		RetryOptions: eshop.RetryOptions{BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// catalog returns n products; every fifth is declinable with two sizes.
func catalog(n int) []shopsim.Product {
	ps := make([]shopsim.Product, n)
	for i := range ps {
		p := shopsim.Product{ID: fmt.Sprintf("p%06d", i), Brand: "TISSOT", Ref: fmt.Sprintf("T%06d", i),
			Category: "montres", Published: i%3 == 0}
		if i%5 == 0 {
			p.Declinable, p.Category = true, "bagues"
			p.Variants = []shopsim.Variant{{ID: p.ID + "-52", Size: "52"}, {ID: p.ID + "-54", Size: "54"}}
		}
		ps[i] = p
	}
	return ps
}

// decisions returns one in-stock decision per product of catalog(n), quantity q.
func decisions(n, q int) []eshop.Item {
	ds := make([]eshop.Item, n)
	for i := range ds {
		ds[i] = eshop.Item{ProductID: fmt.Sprintf("p%06d", i), Ref: fmt.Sprintf("T%06d", i),
			Published: true, Availability: "in_stock", OnHand: q, PriceCents: int64(10000 + i)}
	}
	return ds
}

func stats(t *testing.T, shop *testShop) shopsim.Stats {
	t.Helper()
	st, err := shop.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCatalog(t *testing.T) {
	products := catalog(3210)
	shop := newShop(t, products, 0)
	c := newClient(t, shop, func(c *Config) { c.PageSize = 500 })
	got, err := c.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(products)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Fatalf("catalog differs: got %d products, want %d", len(got), len(products))
	}
	if n := shop.count("/v1/catalog"); n != 7 {
		t.Errorf("%d page requests, want 7", n)
	}
}

func TestCatalogUnderBasePath(t *testing.T) {
	shop := newShop(t, catalog(3), 0)
	// A shop mounted below a path: the signature covers the full request target.
	mux := http.NewServeMux()
	mux.Handle("/ecrin/", http.StripPrefix("/ecrin", shop.Handler()))
	hs := httptest.NewServer(mux)
	defer hs.Close()
	c, err := New(Config{URL: hs.URL + "/ecrin", Boutique: "B042", Secret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.Catalog(context.Background()); err != nil || len(got) != 3 {
		t.Fatalf("catalog under /ecrin: %d products, %v", len(got), err)
	}
}

func TestPushBatch(t *testing.T) {
	shop := newShop(t, catalog(10), 0)
	c := newClient(t, shop, nil)
	items := []eshop.Item{
		{ProductID: "p000001", Ref: "T000001", Published: true, Availability: "in_stock", OnHand: 2, PriceCents: 12900},
		{ProductID: "p000000", VariantID: "p000000-52", Ref: "T000000", Size: "52", Published: true,
			Availability: "backorder", RestockDays: 15},
		{ProductID: "p000000", VariantID: "p000000-60", Ref: "T000000", Size: "60", Availability: "unavailable"},
		{ProductID: "gone", Ref: "X", Availability: "unavailable"},
	}
	got, err := c.Push(context.Background(), "run-1/batch-1", items)
	if err != nil {
		t.Fatal(err)
	}
	want := []eshop.Result{
		{ProductID: "p000001", Accepted: true},
		{ProductID: "p000000", VariantID: "p000000-52", Accepted: true},
		{ProductID: "p000000", VariantID: "p000000-60", Reason: "unknown_variant"},
		{ProductID: "gone", Reason: "unknown_product"},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("result %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	states, err := shop.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byTarget := map[string]shopsim.StockState{}
	for _, s := range states {
		byTarget[s.ProductID+"/"+s.VariantID] = s
	}
	if s := byTarget["p000001/"]; !s.Published || s.Quantity != 2 || s.PriceCents != 12900 || s.Availability != "in_stock" {
		t.Errorf("p000001: %+v", s)
	}
	if s := byTarget["p000000/p000000-52"]; !s.Published || s.Availability != "backorder" || s.RestockDays != 15 {
		t.Errorf("p000000-52: %+v", s)
	}
}

func TestPushBatchRefusedLocally(t *testing.T) {
	shop := newShop(t, catalog(1), 0)
	c := newClient(t, shop, nil)
	tests := []struct {
		name  string
		key   string
		items []eshop.Item
	}{
		{"no key", "", decisions(1, 1)},
		{"key with a space", "run 1", decisions(1, 1)},
		{"no items", "k", nil},
		{"too many items", "k", decisions(MaxBatchItems+1, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.Push(context.Background(), tt.key, tt.items); err == nil {
				t.Error("no error")
			}
		})
	}
	if n := shop.count("/v1/stock/batches"); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestPushBatchReplay(t *testing.T) {
	shop := newShop(t, catalog(20), 0)
	c := newClient(t, shop, nil)
	ctx := context.Background()
	first, err := c.Push(ctx, "run-7/0001", decisions(20, 3))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Push(ctx, "run-7/0001", decisions(20, 3))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(first) != fmt.Sprint(again) {
		t.Errorf("replay answered %v, first %v", again, first)
	}
	// The same key with other quantities: refused, not retried, nothing applied.
	_, err = c.Push(ctx, "run-7/0001", decisions(20, 4))
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 422 || se.Code != "idempotency_key_reused" {
		t.Fatalf("other body under the same key: %v", err)
	}
	if !strings.Contains(err.Error(), `push batch "run-7/0001" to http://127.0.0.1:`) {
		t.Errorf("error does not say what was attempted: %v", err)
	}
	if n := shop.count("/v1/stock/batches"); n != 3 {
		t.Errorf("%d requests, want 3 (no retry of a 422)", n)
	}
	want := shopsim.Stats{BatchesApplied: 1, Replays: 1, ItemsAccepted: 20}
	if st := stats(t, shop); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

// TestRetries drives shopsim's fault switches: each case says how many requests the
// push makes and whether it succeeds.
func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		fault    shopsim.Fault
		timeout  time.Duration
		requests int
		code     int // the StatusError expected; 0: success
	}{
		{"503 storm then success", shopsim.Fault{Status: 503, Times: 5}, 0, 6, 0},
		{"500 then success", shopsim.Fault{Status: 500, Times: 1}, 0, 2, 0},
		{"502 until retries run out", shopsim.Fault{Status: 502}, 0, 7, 502},
		{"429 then success", shopsim.Fault{Status: 429, Times: 2}, 0, 3, 0},
		{"answer lost, then replayed", shopsim.Fault{DropConnection: true, Times: 1}, 0, 2, 0},
		{"slow shop hits the timeout", shopsim.Fault{Delay: 2 * time.Second, Times: 1}, 300 * time.Millisecond, 2, 0},
		{"400 not retried", shopsim.Fault{Status: 400, Times: 1}, 0, 1, 400},
		{"403 not retried", shopsim.Fault{Status: 403, Times: 1}, 0, 1, 403},
		{"501 not retried", shopsim.Fault{Status: 501, Times: 1}, 0, 1, 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := newShop(t, catalog(5), 0)
			c := newClient(t, shop, func(c *Config) {
				c.MaxRetries = 6
				if tt.timeout > 0 {
					c.Timeout = tt.timeout
				}
			})
			retries := 0
			c.OnRetry(func(request string, retry int, wait time.Duration, cause error) {
				retries++
				if request != "POST /v1/stock/batches" || retry != retries || cause == nil {
					t.Errorf("OnRetry(%q, %d, %v, %v)", request, retry, wait, cause)
				}
			})
			shop.SetFault(tt.fault)
			res, err := c.Push(context.Background(), "k-1", decisions(5, 1))
			if n := shop.count("/v1/stock/batches"); n != tt.requests || retries != n-1 {
				t.Errorf("%d requests and %d retries, want %d requests", n, retries, tt.requests)
			}
			st := stats(t, shop)
			if tt.code == 0 {
				if err != nil || len(res) != 5 {
					t.Fatalf("push: %v", err)
				}
				if st.BatchesApplied != 1 || st.KeysAppliedTwice != 0 {
					t.Errorf("stats %+v: want the batch applied once", st)
				}
				return
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Status != tt.code {
				t.Fatalf("error %v, want status %d", err, tt.code)
			}
			if st.BatchesApplied != 0 {
				t.Errorf("stats %+v: want nothing applied", st)
			}
		})
	}
}

// TestRetryAfter checks that the client waits as long as the shop asks, not its own
// (tiny) backoff.
func TestRetryAfter(t *testing.T) {
	shop := newShop(t, catalog(1), 0)
	c := newClient(t, shop, nil)
	shop.SetFault(shopsim.Fault{Status: 429, RetryAfter: time.Second, Times: 1})
	start := time.Now()
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, the shop asked for 1s", waited)
	}
	if n := shop.count("/v1/ping"); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestRetryStopsWithContext(t *testing.T) {
	shop := newShop(t, catalog(1), 0)
	c := newClient(t, shop, func(c *Config) { c.BackoffBase, c.BackoffMax, c.MaxTotalWait = time.Hour, time.Hour, 3*time.Hour })
	shop.SetFault(shopsim.Fault{Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := c.Ping(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's", err)
	}
}

func TestSignatureRefused(t *testing.T) {
	tests := []struct {
		name   string
		skew   time.Duration // of the shop's clock
		secret eshop.Secret
		code   string
	}{
		{"wrong secret", 0, "another-secret-of-the-same-length!", "bad_signature"},
		{"shop clock 6 minutes ahead", 6 * time.Minute, testSecret, "stale_timestamp"},
		{"shop clock 6 minutes behind", -6 * time.Minute, testSecret, "stale_timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := newShop(t, catalog(2), tt.skew)
			c := newClient(t, shop, func(c *Config) { c.Secret = tt.secret })
			_, err := c.Push(context.Background(), "k", decisions(2, 1))
			var se *StatusError
			if !errors.As(err, &se) || se.Status != 401 || se.Code != tt.code {
				t.Fatalf("error %v, want 401 %s", err, tt.code)
			}
			if strings.Contains(err.Error(), string(tt.secret)) {
				t.Error("the error shows the secret")
			}
			if n := shop.count("/v1/stock/batches"); n != 1 {
				t.Errorf("%d requests, want 1 (a 401 is not retried)", n)
			}
		})
	}
}

func TestPing(t *testing.T) {
	shop := newShop(t, catalog(1), 0)
	if err := newClient(t, shop, nil).Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := newClient(t, shop, func(c *Config) { c.Boutique = "B999" }).Ping(context.Background())
	var se *StatusError
	if !errors.As(err, &se) || se.Code != "unknown_boutique" {
		t.Errorf("unknown boutique: %v", err)
	}
}

func TestUploadRun(t *testing.T) {
	shop := newShop(t, catalog(1), 0)
	c := newClient(t, shop, nil)
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Boutique")
	f.SetCellValue("Sheet1", "B1", "B042")
	report, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	reportBytes := append([]byte(nil), report.Bytes()...)
	sum := eshop.RunSummary{RunID: "20260101-0200", Boutique: "B042", Status: "pushed",
		StartedAt: time.Date(2026, 1, 1, 3, 0, 0, 0, time.FixedZone("CET", 3600)), Lines: 1200, Matched: 1180, Pushed: 14}
	ctx := context.Background()
	if err := c.UploadRun(ctx, sum, "/var/lib/ecrin/reports/rapport-20260101.xlsx", report); err != nil {
		t.Fatal(err)
	}
	// Again, without a report this time: the upload replaces the first.
	sum.Status = "pushed again"
	if err := c.UploadRun(ctx, sum, "", nil); err != nil {
		t.Fatal(err)
	}
	runs, err := shop.Runs(ctx)
	if err != nil || len(runs) != 1 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	if r := runs[0]; r.ID != sum.RunID || r.Uploads != 2 || len(r.Report) != 0 {
		t.Errorf("second upload: %+v", r)
	}
	var got wireRunSummary
	if err := json.Unmarshal(runs[0].Summary, &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != "pushed again" || got.StartedAt.Location() != time.UTC || !got.StartedAt.Equal(sum.StartedAt) {
		t.Errorf("summary stored %+v", got)
	}

	sum.RunID = "20260102-0200"
	if err := c.UploadRun(ctx, sum, "rapport.xlsx", bytes.NewReader(reportBytes)); err != nil {
		t.Fatal(err)
	}
	runs, _ = shop.Runs(ctx)
	if r := runs[len(runs)-1]; r.ReportName != "rapport.xlsx" || !bytes.Equal(r.Report, reportBytes) {
		t.Errorf("report stored as %q, %d bytes; sent %d", r.ReportName, len(r.Report), len(reportBytes))
	}
	if _, err := excelize.OpenReader(bytes.NewReader(runs[len(runs)-1].Report)); err != nil {
		t.Errorf("the stored report does not open: %v", err)
	}
	if err := c.UploadRun(ctx, eshop.RunSummary{}, "", nil); err == nil {
		t.Error("a run without an id was uploaded")
	}
}
