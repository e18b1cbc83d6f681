package connector

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// The demo's boutique serves as the fixture: a real Bijou3 extract over two nights,
// its catalog, a real shopsim over HTTP, a real state file and a folder source.
const (
	night1 = "stock_20261121.csv"
	night2 = "stock_20261122.csv"
	secret = "test-secret"
)

type harness struct {
	t     *testing.T
	dir   string
	inbox string
	sim   *shopsim.Server
	site  *Site
}

func newHarness(t *testing.T, extraYAML string) *harness {
	t.Helper()
	return newHarnessWith(t, extraYAML, Options{})
}

// newHarnessWith opens the site with o (a clock, a logger).
func newHarnessWith(t *testing.T, extraYAML string, o Options) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, inbox: filepath.Join(dir, "inbox")}
	if err := os.MkdirAll(h.inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	sim, err := shopsim.New(shopsim.Options{DBPath: filepath.Join(dir, "shop.db"), Secret: []byte(secret), Boutique: "b1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	if err := sim.LoadCatalogFile(context.Background(), "demo/data/catalog.json"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	h.sim = sim

	demoYAML, err := os.ReadFile("demo/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The demo's brand table and rules; this site's own ids, folders and shop.
	text := string(demoYAML)
	text = text[strings.Index(text, "mapping:"):strings.Index(text, "report:")]
	text = fmt.Sprintf(`site: {id: b1, name: Test}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  url: %s
  secret: {value: %s}
  max_retries: 2
  backoff_base: 5ms
  backoff_max: 20ms
%s
%s`, filepath.Join(dir, "data"), h.inbox, srv.URL, secret, extraYAML, text)
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	site, err := Open(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	h.site = site
	return h
}

// drop writes an extract into the export folder, then its marker.
func (h *harness) drop(name string, content []byte) {
	h.t.Helper()
	p := filepath.Join(h.inbox, name)
	if err := os.WriteFile(p, content, 0o640); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p+".done", nil, 0o640); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) dropNight(name string) {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join("demo/data", name))
	if err != nil {
		h.t.Fatal(err)
	}
	h.drop(name, b)
}

func (h *harness) run() Outcome {
	h.t.Helper()
	out, err := h.site.RunOnce(context.Background(), TriggerManual)
	if err != nil {
		h.t.Fatalf("run: %v", err)
	}
	return out
}

// shop returns what the shop holds, by target.
func (h *harness) shop() map[reconcile.Target]shopsim.StockState {
	h.t.Helper()
	st, err := h.sim.State(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	m := make(map[reconcile.Target]shopsim.StockState, len(st))
	for _, s := range st {
		m[reconcile.Target{ProductID: s.ProductID, VariantID: s.VariantID}] = s
	}
	return m
}

// acked is what the state file says the shop acknowledged.
func (h *harness) acked() map[reconcile.Target]reconcile.Decision {
	h.t.Helper()
	a := map[reconcile.Target]reconcile.Decision{}
	err := h.site.Store().EachAcked(context.Background(), func(int) error { return nil }, func(d reconcile.Decision) error {
		a[d.Key()] = d
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// assertShopMatches checks that the shop holds exactly what ecrin believes it
// acknowledged, for every target.
func (h *harness) assertShopMatches() {
	h.t.Helper()
	shop, acked := h.shop(), h.acked()
	if len(acked) == 0 {
		h.t.Fatal("nothing acknowledged")
	}
	for tg, d := range acked {
		s, ok := shop[tg]
		if !ok || !s.Pushed {
			h.t.Errorf("%v: acknowledged but never pushed to the shop", tg)
			continue
		}
		if s.Published != d.Published || s.Availability != d.Availability.String() || s.Quantity != d.Quantity ||
			s.RestockDays != d.RestockDays || (d.PriceCents != 0 && s.PriceCents != d.PriceCents) {
			h.t.Errorf("%v: shop holds %+v, ecrin acknowledged %+v", tg, s, d)
		}
	}
	for tg, s := range shop {
		if _, ok := acked[tg]; s.Pushed && !ok {
			h.t.Errorf("%v: pushed to the shop but not acknowledged in the state file", tg)
		}
	}
}

func TestNightTwoPushesOnlyWhatChanged(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	n1 := h.run()
	if n1.Status != state.StatusDone || n1.Rows != 300 || n1.Pushed == 0 {
		t.Fatalf("night 1: %+v", n1)
	}
	h.assertShopMatches()
	before := h.shop()

	h.dropNight(night2)
	n2 := h.run()
	if n2.Status != state.StatusDone {
		t.Fatalf("night 2: %+v", n2)
	}
	after := h.shop()
	changed := 0
	for tg, s := range after {
		b := before[tg]
		if s.Published != b.Published || s.Quantity != b.Quantity || s.Availability != b.Availability {
			changed++
		}
	}
	// Night 2: five sales (two of them down to zero), one delivery, one article
	// withdrawn from the web — seven products change, and only they are pushed.
	if n2.Pushed != 7 || changed != 7 {
		t.Errorf("night 2 pushed %d items and changed %d targets in the shop, want 7 and 7", n2.Pushed, changed)
	}
	h.assertShopMatches()
	if _, err := os.Stat(n2.ReportPath); err != nil {
		t.Errorf("night 2 report: %v", err)
	}
}

func TestSameExtractIsNotProcessedTwice(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	h.run()
	b, _ := os.ReadFile("demo/data/" + night1)
	h.drop("stock_20261123.csv", b) // the ERP dropped the same content again
	if out := h.run(); out.Status != state.StatusNoExtract {
		t.Fatalf("same content again: %+v, want no_extract", out)
	}
}

func TestTruncatedExtractIsHeldThenApproved(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	h.run()
	before := h.shop()

	// Night 2 arrives cut after 20 lines: a naive connector would unpublish the rest.
	b, _ := os.ReadFile("demo/data/" + night2)
	lines := strings.SplitAfter(string(b), "\r\n")
	h.drop(night2, []byte(strings.Join(lines[:21], "")))
	out := h.run()
	if out.Status != state.StatusHeld || len(out.Held) == 0 || out.Pushed != 0 {
		t.Fatalf("truncated extract: %+v, want held with reasons and nothing pushed", out)
	}
	after := h.shop()
	for tg, s := range before {
		if after[tg] != s {
			t.Fatalf("%v changed in the shop although the run was held: %+v → %+v", tg, s, after[tg])
		}
	}

	approved, err := h.site.Approve(context.Background(), out.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if approved.Status != state.StatusDone || approved.Pushed == 0 {
		t.Fatalf("approved: %+v", approved)
	}
	held, err := h.site.Store().Run(context.Background(), out.RunID)
	if err != nil || held.Status != state.StatusApproved {
		t.Fatalf("held run after approval: %v %v", held.Status, err)
	}
	h.assertShopMatches()
}

func TestBadFileIsHeldAndUnpublishesNothing(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	h.run()
	before := h.shop()
	h.drop(night2, []byte("Code article;Marque\r\n1;X\r\n")) // required columns missing
	out := h.run()
	if out.Status != state.StatusHeld {
		t.Fatalf("bad file: %+v, want held", out)
	}
	if out.Held[0].Code != reconcile.GuardFileError {
		t.Errorf("reasons %+v, want file_error first", out.Held)
	}
	after := h.shop()
	for tg, s := range before {
		if after[tg] != s {
			t.Fatalf("%v changed although the extract was refused", tg)
		}
	}
}

func TestPushResumesAfterTheShopFailed(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	// The shop answers 503 to every batch, for longer than the client retries.
	h.sim.SetFault(shopsim.Fault{Status: 503, Path: "/v1/stock/batches"})
	_, err := h.site.RunOnce(context.Background(), TriggerManual)
	if err == nil {
		t.Fatal("run with a failing shop: no error")
	}
	pending, err := h.site.Store().Pending(context.Background())
	if err != nil || len(pending) == 0 {
		t.Fatalf("pending after failure: %d %v", len(pending), err)
	}
	h.sim.SetFault(shopsim.Fault{})
	out := h.run() // no new extract: the journal is resumed
	if out.Status != state.StatusNoExtract {
		t.Fatalf("resume: %+v", out)
	}
	if p, _ := h.site.Store().Pending(context.Background()); len(p) != 0 {
		t.Fatalf("%d batches still pending", len(p))
	}
	runs, _ := h.site.Store().Runs(context.Background(), 1)
	if runs[0].Status != state.StatusDone || runs[0].Pushed == 0 {
		t.Fatalf("resumed run: %+v", runs[0])
	}
	stats, err := h.sim.Stats(context.Background())
	if err != nil || stats.KeysAppliedTwice != 0 || stats.BodiesAppliedTwice != 0 {
		t.Fatalf("shop stats %+v %v: a batch was applied twice", stats, err)
	}
	h.assertShopMatches()
}

// n1Published is what run 1 published, from the history.
func n1Published(h *harness) int {
	r, err := h.site.Store().Run(context.Background(), 1)
	if err != nil {
		h.t.Fatal(err)
	}
	return r.Published
}

func TestRollbackRestoresThePreviousNight(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	h.run()
	first := h.shop()
	h.dropNight(night2)
	n2 := h.run()
	out, unknown, err := h.site.Rollback(context.Background(), n2.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if out.Pushed != 7 || unknown != 0 {
		t.Fatalf("rollback pushed %d (unknown %d), want 7 and 0", out.Pushed, unknown)
	}
	for tg, s := range h.shop() {
		f := first[tg]
		if s.Published != f.Published || s.Quantity != f.Quantity || s.Availability != f.Availability || s.PriceCents != f.PriceCents {
			t.Errorf("%v after rollback %+v, after night 1 %+v", tg, s, f)
		}
	}
	if r, _ := h.site.Store().Run(context.Background(), n2.RunID); r.Status != state.StatusRolledBack {
		t.Errorf("night 2 status %s, want rolled_back", r.Status)
	}
	// The guards now compare the next extract with night 1, the state restored.
	last, ok, err := h.site.Store().LastAccepted(context.Background())
	if err != nil || !ok || last.ID != out.RunID || last.Rows != 300 || last.Published != n1Published(h) {
		t.Errorf("last accepted after the rollback: %+v %v %v", last, ok, err)
	}
	h.assertShopMatches()
}

func TestRunSummariesReachTheShop(t *testing.T) {
	h := newHarness(t, "report: {upload: true}")
	h.dropNight(night1)
	h.run()
	h.dropNight(night2)
	h.run()
	runs, err := h.sim.Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs uploaded, want 2", len(runs))
	}
	for _, r := range runs {
		if len(r.Report) == 0 || !strings.HasSuffix(r.ReportName, ".xlsx") || !strings.Contains(string(r.Summary), `"extract_file":"stock_2026112`) {
			t.Errorf("upload %s: report %q (%d bytes), summary %s", r.ID, r.ReportName, len(r.Report), r.Summary)
		}
	}
}
