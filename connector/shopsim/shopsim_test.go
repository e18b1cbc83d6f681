package shopsim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

var (
	testSecret = []byte("0123456789abcdef0123456789abcdef")
	testNow    = time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
)

// testCatalog has a plain product, a declinable one with two sizes, and a third.
var testCatalog = []Product{
	{ID: "p1", Brand: "TISSOT", Ref: "T120.407.17.041.00", Category: "montres", Published: true},
	{ID: "p2", Brand: "MAUBOUSSIN", Ref: "R1234", Declinable: true,
		Variants: []Variant{{ID: "p2-52", Size: "52"}, {ID: "p2-54", Size: "T54"}}},
	{ID: "p3", Brand: "TISSOT", Ref: "T006.407.11.033.00"},
}

// newTestServer starts shopsim on 127.0.0.1 with testCatalog loaded.
func newTestServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Options{DBPath: filepath.Join(t.TempDir(), "shop.db"), Secret: testSecret,
		Boutique: "B042", Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.LoadCatalog(context.Background(), testCatalog); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return s, hs
}

// request is one signed (or deliberately mis-signed) call.
type request struct {
	method, target string
	body           []byte
	key            string    // Idempotency-Key
	at             time.Time // signing time; testNow when zero
	secret         []byte    // testSecret when nil
	boutique       string    // B042 when empty
	noSignature    bool
}

func do(t *testing.T, hs *httptest.Server, rq request) (*http.Response, []byte) {
	t.Helper()
	resp, body, err := send(hs, rq)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// send makes the request rq describes and reads the answer.
func send(hs *httptest.Server, rq request) (*http.Response, []byte, error) {
	req, err := http.NewRequest(rq.method, hs.URL+rq.target, bytes.NewReader(rq.body))
	if err != nil {
		return nil, nil, err
	}
	at, secret, boutique := rq.at, rq.secret, rq.boutique
	if at.IsZero() {
		at = testNow
	}
	if secret == nil {
		secret = testSecret
	}
	if boutique == "" {
		boutique = "B042"
	}
	req.Header.Set(HeaderBoutique, boutique)
	if !rq.noSignature {
		ts := strconv.FormatInt(at.Unix(), 10)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, Sign(secret, ts, rq.method, rq.target, rq.body))
	}
	if rq.key != "" {
		req.Header.Set(HeaderIdemKey, rq.key)
	}
	if rq.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hs.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Error
}

func TestSignature(t *testing.T) {
	_, hs := newTestServer(t)
	tests := []struct {
		name   string
		rq     request
		status int
		code   string
	}{
		{"good", request{}, 200, ""},
		{"four minutes early", request{at: testNow.Add(-4 * time.Minute)}, 200, ""},
		{"four minutes late", request{at: testNow.Add(4 * time.Minute)}, 200, ""},
		{"stale", request{at: testNow.Add(-5*time.Minute - time.Second)}, 401, "stale_timestamp"},
		{"from the future", request{at: testNow.Add(5*time.Minute + time.Second)}, 401, "stale_timestamp"},
		{"wrong secret", request{secret: []byte("another secret, just as long....")}, 401, "bad_signature"},
		{"not signed", request{noSignature: true}, 401, "missing_signature"},
		{"other boutique", request{boutique: "B043"}, 401, "unknown_boutique"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rq := tt.rq
			rq.method, rq.target = http.MethodGet, "/v1/ping"
			resp, body := do(t, hs, rq)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.code != "" && errorCode(t, body) != tt.code {
				t.Errorf("error %s, want %s", body, tt.code)
			}
		})
	}
}

// TestSignatureCoversRequest checks that a signature made for one request does not
// verify another: another target, method or body.
func TestSignatureCoversRequest(t *testing.T) {
	_, hs := newTestServer(t)
	ts := strconv.FormatInt(testNow.Unix(), 10)
	body := []byte(`{"items":[{"product_id":"p1","published":true,"availability":"in_stock","quantity":1}]}`)
	tests := []struct {
		name, method, target, signedTarget string
		body, signedBody                   []byte
	}{
		{"other page", "GET", "/v1/catalog?limit=2", "/v1/catalog?limit=1", nil, nil},
		{"other method", "POST", "/v1/stock/batches", "/v1/stock/batches", body, body},
		{"other body", "POST", "/v1/stock/batches", "/v1/stock/batches", body, []byte(`{"items":[]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signedMethod := tt.method
			if tt.name == "other method" {
				signedMethod = "PUT"
			}
			req, _ := http.NewRequest(tt.method, hs.URL+tt.target, bytes.NewReader(tt.body))
			req.Header.Set(HeaderBoutique, "B042")
			req.Header.Set(HeaderTimestamp, ts)
			req.Header.Set(HeaderSignature, Sign(testSecret, ts, signedMethod, tt.signedTarget, tt.signedBody))
			req.Header.Set(HeaderIdemKey, "k1")
			resp, err := hs.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 401 || errorCode(t, b) != "bad_signature" {
				t.Fatalf("got %d %s, want 401 bad_signature", resp.StatusCode, b)
			}
		})
	}
}

func batchBody(items ...Item) []byte {
	b, _ := json.Marshal(batchRequest{Items: items})
	return b
}

func TestBatchReplay(t *testing.T) {
	s, hs := newTestServer(t)
	body := batchBody(
		Item{ProductID: "p1", Published: true, Availability: "in_stock", Quantity: 3, PriceCents: 49000},
		Item{ProductID: "p2", VariantID: "p2-52", Published: true, Availability: "backorder", RestockDays: 10},
	)
	post := request{method: "POST", target: "/v1/stock/batches", body: body, key: "run1-0001"}
	first, firstBody := do(t, hs, post)
	if first.StatusCode != 200 || first.Header.Get(HeaderIdemReplay) != "" {
		t.Fatalf("first: %d %v %s", first.StatusCode, first.Header, firstBody)
	}
	// The same request signed a minute later: the kept answer, byte for byte.
	post.at = testNow.Add(time.Minute)
	again, againBody := do(t, hs, post)
	if again.StatusCode != 200 || again.Header.Get(HeaderIdemReplay) != "true" {
		t.Fatalf("replay: %d %v", again.StatusCode, again.Header)
	}
	if !bytes.Equal(firstBody, againBody) {
		t.Errorf("replay answered %s, first answer was %s", againBody, firstBody)
	}
	// The same key with another body is refused and applies nothing.
	other := post
	other.body = batchBody(Item{ProductID: "p1", Published: false, Availability: "unavailable"})
	resp, b := do(t, hs, other)
	if resp.StatusCode != 422 || errorCode(t, b) != "idempotency_key_reused" {
		t.Fatalf("other body: %d %s", resp.StatusCode, b)
	}

	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{BatchesApplied: 1, Replays: 1, ItemsAccepted: 2}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	states, err := s.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]StockState{}
	for _, st := range states {
		st.UpdatedAt = time.Time{}
		got[st.ProductID+"/"+st.VariantID] = st
	}
	if p1 := got["p1/"]; p1 != (StockState{ProductID: "p1", Pushed: true, Published: true,
		Availability: "in_stock", Quantity: 3, PriceCents: 49000}) {
		t.Errorf("p1 state %+v", p1)
	}
	if v := got["p2/p2-52"]; v != (StockState{ProductID: "p2", VariantID: "p2-52", Pushed: true,
		Published: true, Availability: "backorder", RestockDays: 10}) {
		t.Errorf("p2-52 state %+v", v)
	}
	if v := got["p2/p2-54"]; v.Pushed {
		t.Errorf("p2-54 was never pushed, state %+v", v)
	}
}

func TestBatchItemResults(t *testing.T) {
	s, hs := newTestServer(t)
	items := []Item{
		{ProductID: "p1", Published: true, Availability: "in_stock", Quantity: 1},
		{ProductID: "nope", Published: true, Availability: "in_stock", Quantity: 1},
		{ProductID: "p2", VariantID: "p2-60", Availability: "unavailable"},
		{ProductID: "p1", VariantID: "p2-52", Availability: "unavailable"},
		{Availability: "in_stock"},
		{ProductID: "p3", Availability: "sold_out"},
		{ProductID: "p3", Availability: "in_stock", Quantity: -1},
		{ProductID: "p3", Availability: "in_stock", PriceCents: -5},
		{ProductID: "p3", Availability: "preorder", RestockDays: -2},
		{ProductID: "p1", Published: false, Availability: "unavailable"},
		{ProductID: "p2", VariantID: "p2-54", Published: true, Availability: "in_stock", Quantity: 2},
	}
	want := []ItemResult{
		{ProductID: "p1", Status: Accepted},
		{ProductID: "nope", Status: Rejected, Reason: "unknown_product"},
		{ProductID: "p2", VariantID: "p2-60", Status: Rejected, Reason: "unknown_variant"},
		{ProductID: "p1", VariantID: "p2-52", Status: Rejected, Reason: "unknown_variant"},
		{Status: Rejected, Reason: "missing_product_id"},
		{ProductID: "p3", Status: Rejected, Reason: "bad_availability"},
		{ProductID: "p3", Status: Rejected, Reason: "negative_quantity"},
		{ProductID: "p3", Status: Rejected, Reason: "negative_price"},
		{ProductID: "p3", Status: Rejected, Reason: "negative_restock_days"},
		{ProductID: "p1", Status: Rejected, Reason: "duplicate_item"},
		{ProductID: "p2", VariantID: "p2-54", Status: Accepted},
	}
	resp, body := do(t, hs, request{method: "POST", target: "/v1/stock/batches", body: batchBody(items...), key: "k"})
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var got batchResponse
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Results) != len(want) {
		t.Fatalf("%d results, want %d", len(got.Results), len(want))
	}
	for i := range want {
		if got.Results[i] != want[i] {
			t.Errorf("item %d: %+v, want %+v", i, got.Results[i], want[i])
		}
	}
	st, _ := s.Stats(context.Background())
	if st.ItemsAccepted != 2 || st.ItemsRejected != 9 {
		t.Errorf("stats %+v", st)
	}
}

func TestBatchRefused(t *testing.T) {
	_, hs := newTestServer(t)
	many := make([]Item, MaxBatchItems+1)
	for i := range many {
		many[i] = Item{ProductID: "p1", Availability: "in_stock"}
	}
	tests := []struct {
		name   string
		body   []byte
		key    string
		status int
		code   string
	}{
		{"no key", batchBody(Item{ProductID: "p1", Availability: "in_stock"}), "", 400, "missing_idempotency_key"},
		{"key with a space", batchBody(Item{ProductID: "p1", Availability: "in_stock"}), "a b", 400, "missing_idempotency_key"},
		{"not JSON", []byte("items=1"), "k", 400, "bad_request"},
		{"no items", []byte(`{"items":[]}`), "k", 400, "bad_request"},
		{"too many items", batchBody(many...), "k", 400, "bad_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, hs, request{method: "POST", target: "/v1/stock/batches", body: tt.body, key: tt.key})
			if resp.StatusCode != tt.status || errorCode(t, body) != tt.code {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tt.status, tt.code)
			}
		})
	}
}

func TestCatalogPages(t *testing.T) {
	s, hs := newTestServer(t)
	var more []Product
	for i := range 25 {
		p := Product{ID: fmt.Sprintf("q%03d", i), Brand: "B", Ref: fmt.Sprintf("R%d", i)}
		if i%5 == 0 {
			p.Declinable = true
			p.Variants = []Variant{{ID: p.ID + "-50", Size: "50"}, {ID: p.ID + "-52", Size: "52"}}
		}
		more = append(more, p)
	}
	if err := s.LoadCatalog(context.Background(), more); err != nil {
		t.Fatal(err)
	}
	var got []Product
	target := "/v1/catalog?limit=4"
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("the pages do not end")
		}
		resp, body := do(t, hs, request{method: "GET", target: target})
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", target, resp.StatusCode, body)
		}
		var page catalogPage
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		got = append(got, page.Products...)
		if page.NextPageToken == "" {
			break
		}
		target = "/v1/catalog?limit=4&page_token=" + page.NextPageToken
	}
	want := append(append([]Product(nil), testCatalog...), more...)
	if len(got) != len(want) {
		t.Fatalf("%d products, want %d", len(got), len(want))
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("catalog\n got %s\nwant %s", gotJSON, wantJSON)
	}

	for _, bad := range []string{"/v1/catalog?limit=0", "/v1/catalog?limit=1001", "/v1/catalog?page_token=%25%25"} {
		resp, body := do(t, hs, request{method: "GET", target: bad})
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d %s, want 400", bad, resp.StatusCode, body)
		}
	}
}

func TestFault(t *testing.T) {
	s, hs := newTestServer(t)
	s.SetFault(Fault{Status: 429, RetryAfter: 1500 * time.Millisecond, Times: 2, Path: "/v1/ping"})
	ping := request{method: "GET", target: "/v1/ping"}
	for i := range 2 {
		resp, _ := do(t, hs, ping)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("request %d: %d Retry-After %q, want 429 and 2", i, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if resp, _ := do(t, hs, ping); resp.StatusCode != 200 {
		t.Fatalf("after the fault: %d", resp.StatusCode)
	}
	// A fault on another path leaves ping alone.
	s.SetFault(Fault{Status: 503, Path: "/v1/stock"})
	if resp, _ := do(t, hs, ping); resp.StatusCode != 200 {
		t.Fatalf("fault on another path: %d", resp.StatusCode)
	}
}

// TestDropConnection checks that a dropped answer still applied the batch once, and
// that the retry gets the kept answer.
func TestDropConnection(t *testing.T) {
	s, hs := newTestServer(t)
	s.SetFault(Fault{DropConnection: true, Times: 1})
	body := batchBody(Item{ProductID: "p3", Published: true, Availability: "in_stock", Quantity: 7})
	req, _ := http.NewRequest("POST", hs.URL+"/v1/stock/batches", bytes.NewReader(body))
	ts := strconv.FormatInt(testNow.Unix(), 10)
	req.Header.Set(HeaderBoutique, "B042")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(testSecret, ts, "POST", "/v1/stock/batches", body))
	req.Header.Set(HeaderIdemKey, "drop-1")
	if resp, err := hs.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the connection was not dropped: %d", resp.StatusCode)
	}
	resp, _ := do(t, hs, request{method: "POST", target: "/v1/stock/batches", body: body, key: "drop-1"})
	if resp.StatusCode != 200 || resp.Header.Get(HeaderIdemReplay) != "true" {
		t.Fatalf("retry: %d %v", resp.StatusCode, resp.Header)
	}
	st, _ := s.Stats(context.Background())
	if st.BatchesApplied != 1 || st.Replays != 1 || st.KeysAppliedTwice != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestRunUpload(t *testing.T) {
	s, hs := newTestServer(t)
	// Uploads are tested with the real client in package shop; here the refusals.
	tests := []struct {
		name, contentType string
		body              string
	}{
		{"not multipart", "application/json", `{"run_id":"r1"}`},
		{"no summary", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XX--\r\n"},
		{"no run id", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"summary\"\r\n\r\n{}\r\n--XX--\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", hs.URL+"/v1/runs", bytes.NewReader([]byte(tt.body)))
			ts := strconv.FormatInt(testNow.Unix(), 10)
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set(HeaderBoutique, "B042")
			req.Header.Set(HeaderTimestamp, ts)
			req.Header.Set(HeaderSignature, Sign(testSecret, ts, "POST", "/v1/runs", []byte(tt.body)))
			resp, err := hs.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	}
	if runs, _ := s.Runs(context.Background()); len(runs) != 0 {
		t.Errorf("%d runs stored", len(runs))
	}
}

func TestAdmin(t *testing.T) {
	s, hs := newTestServer(t)
	post := func(path, body string) int {
		resp, err := hs.Client().Post(hs.URL+path, "application/json", bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("/admin/fault", `{"status":503,"retry_after_seconds":3,"times":1}`); st != 204 {
		t.Fatalf("set fault: %d", st)
	}
	if resp, _ := do(t, hs, request{method: "GET", target: "/v1/ping"}); resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("fault not applied: %d", resp.StatusCode)
	}
	if st := post("/admin/catalog", `{"products":[{"id":"z9","brand":"B","ref":"Z9","declinable":false,"published":true}]}`); st != 204 {
		t.Fatalf("load catalog: %d", st)
	}
	resp, err := hs.Client().Get(hs.URL + "/admin/state")
	if err != nil {
		t.Fatal(err)
	}
	var states []stateJSON
	err = json.NewDecoder(resp.Body).Decode(&states)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 6 || states[len(states)-1].ProductID != "z9" {
		t.Errorf("state %+v", states)
	}

	// A client that is not on loopback is refused.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/admin/stats", nil)
	req.RemoteAddr = "192.0.2.7:4242"
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("remote admin request: %d, want 403", rec.Code)
	}
}

// TestReopen checks that the catalog, the stock and the kept answers survive a
// restart of the shop.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	opts := Options{DBPath: path, Secret: testSecret, Boutique: "B042", Now: func() time.Time { return testNow }}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.LoadCatalog(ctx, testCatalog); err != nil {
		t.Fatal(err)
	}
	items := []Item{{ProductID: "p1", Published: true, Availability: "in_stock", Quantity: 4}}
	first, _, err := s.applyBatch(ctx, "k1", "h1", items)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	again, replay, err := s.applyBatch(ctx, "k1", "h1", items)
	if err != nil || !replay || !bytes.Equal(first, again) {
		t.Fatalf("after reopen: replay=%v err=%v %s", replay, err, again)
	}
	states, err := s.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if states[0].ProductID != "p1" || states[0].Quantity != 4 {
		t.Errorf("state after reopen %+v", states[0])
	}
}

// TestConcurrentSameKey sends one batch eight times at once: it is applied once and
// every other request gets the kept answer.
func TestConcurrentSameKey(t *testing.T) {
	s, hs := newTestServer(t)
	body := batchBody(Item{ProductID: "p1", Published: true, Availability: "in_stock", Quantity: 9})
	const n = 8
	replays := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			resp, _, err := send(hs, request{method: "POST", target: "/v1/stock/batches", body: body, key: "same"})
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("send: %v %v", resp, err)
				return
			}
			replays <- resp.Header.Get(HeaderIdemReplay)
		})
	}
	wg.Wait()
	close(replays)
	first := 0
	for r := range replays {
		if r == "" {
			first++
		}
	}
	if first != 1 {
		t.Errorf("%d requests applied the batch, want 1", first)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (Stats{BatchesApplied: 1, Replays: n - 1, ItemsAccepted: 1}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}
