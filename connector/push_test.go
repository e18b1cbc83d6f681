package connector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// smallShop takes at most max items a batch: it says so (honest) or only refuses
// larger batches as too large, like a proxy's body limit (!honest).
type smallShop struct {
	shop.Shop
	max    int
	honest bool

	mu   sync.Mutex
	keys []string
}

func (s *smallShop) Traits() shop.Traits {
	t := s.Shop.Traits()
	if s.honest {
		t.MaxBatch = s.max
	}
	return t
}

func (s *smallShop) Push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	s.mu.Lock()
	s.keys = append(s.keys, key)
	s.mu.Unlock()
	if len(items) > s.max {
		return nil, fmt.Errorf("push batch %q: shop answered 413: %w", key, shop.ErrTooLarge)
	}
	return s.Shop.Push(ctx, key, items)
}

// TestBatchesTooLargeForTheShopGoInParts: batches journaled larger than the shop
// takes (an earlier configuration, another kind, a body limit) never block the
// site: they go in parts under keys derived from theirs.
func TestBatchesTooLargeForTheShopGoInParts(t *testing.T) {
	for _, honest := range []bool{true, false} {
		t.Run(fmt.Sprintf("shop says its limit: %v", honest), func(t *testing.T) {
			h := newHarness(t, "")
			small := &smallShop{Shop: h.site.shop, max: 60, honest: honest}
			h.site.shop = small
			h.dropNight(night1)
			out := h.run()
			if out.Pushed < 300 {
				t.Fatalf("pushed %d", out.Pushed)
			}
			h.assertShopMatches()
			var parts int
			for _, k := range small.keys {
				if strings.Contains(k, "-p") {
					parts++
				}
			}
			if parts == 0 {
				t.Errorf("no batch went in parts: keys %q", small.keys)
			}
		})
	}
}

// TestStateFileMadeAgainReusesNoKey: a CSM deletes state.db during onboarding and
// the connector starts over with other rules; the run numbers restart at 1 but the
// keys never collide with those the shop has seen.
func TestStateFileMadeAgainReusesNoKey(t *testing.T) {
	h := newHarness(t, "")
	h.dropNight(night1)
	h.run()
	cfg := h.site.Config()
	if err := h.site.Close(); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(cfg.StatePath() + suffix)
	}
	// Another batch size: the same run number and batch rank carry other bodies
	// than the shop holds under night 1's keys.
	cfg.Push.BatchSize = 7
	site, err := Open(context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	h.site = site
	// The archived night 1 is known to the source only by the state file: take it
	// again from the export folder under another name.
	b, err := os.ReadFile(filepath.Join("demo/data", night1))
	if err != nil {
		t.Fatal(err)
	}
	h.drop("stock_again.csv", b)
	out, err := site.RunOnce(context.Background(), TriggerManual)
	if err != nil {
		t.Fatalf("the run after the state file was made again: %v", err)
	}
	if out.Status != state.StatusDone || out.Pushed == 0 {
		t.Fatalf("status %s, pushed %d", out.Status, out.Pushed)
	}
	st, err := h.sim.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.KeysAppliedTwice != 0 {
		t.Errorf("%d keys applied twice", st.KeysAppliedTwice)
	}
	h.assertShopMatches()
}

// TestMissingReportIsSaidAndWrittenLater: a report that cannot be written (disk
// full, folder gone) is never announced as written, and the next start writes it.
func TestMissingReportIsSaidAndWrittenLater(t *testing.T) {
	h := newHarness(t, "")
	dir := h.site.Config().ReportDir()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("in the way"), 0o600); err != nil { // fails even for root
		t.Fatal(err)
	}
	h.dropNight(night1)
	out := h.run()
	if out.Status != state.StatusDone || out.ReportPath != "" {
		t.Fatalf("status %s, report path %q: want done and no path", out.Status, out.ReportPath)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if _, err := h.site.RunOnce(context.Background(), TriggerSchedule); err != nil { // no new extract
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
	if len(files) != 1 {
		t.Errorf("reports after the next start: %q, want night 1's", files)
	}
}
