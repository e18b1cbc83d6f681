package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shopsim"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/erp"
	_ "github.com/ecrin-connect/ecrin/erp/all"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// These tests run the real ecrin binary against a real shopsim over HTTP. They build
// the binary and take tens of seconds: set ECRIN_INTEGRATION=1 (as .ci/run does).
func needIntegration(t *testing.T) {
	t.Helper()
	if os.Getenv("ECRIN_INTEGRATION") == "" {
		t.Skip("set ECRIN_INTEGRATION=1 to run the ecrin binary against shopsim")
	}
}

// buildEcrin builds the binary under test once per test.
func buildEcrin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ecrin")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

const testSecret = "binary-test-secret-5f2a"

// boutique is a generated boutique served by an in-process shopsim.
type boutique struct {
	t        *testing.T
	dir      string
	inbox    string
	config   string
	sim      *shopsim.Server
	articles []erpgen.Article
	catalog  []reconcile.Product
	brands   map[string]string
}

func newBoutique(t *testing.T, n int, batchSize int) *boutique {
	t.Helper()
	dir, inbox := newSiteDir(t)
	b := &boutique{t: t, dir: dir, inbox: inbox, brands: map[string]string{}}
	b.articles = erpgen.Generate(42, n)
	for _, a := range b.articles {
		if a.CatalogBrand != "" {
			b.brands[a.Brand] = a.CatalogBrand
		}
	}
	var cat bytes.Buffer
	if err := erpgen.WriteCatalog(&cat, slices.Values(b.articles)); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(cat.Bytes(), &b.catalog); err != nil {
		t.Fatal(err)
	}
	var products []shopsim.Product
	if err := json.Unmarshal(cat.Bytes(), &products); err != nil {
		t.Fatal(err)
	}
	sim, err := shopsim.New(shopsim.Options{DBPath: filepath.Join(dir, "shop.db"), Secret: []byte(testSecret), Boutique: "crash"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	if err := sim.LoadCatalog(context.Background(), products); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	b.sim = sim

	secretFile := writeSecret(t, dir, "shop.secret", testSecret)
	// No guard: the generated catalog publishes articles the extract lacks.
	b.config = writeSiteConfig(t, dir, b.inbox, "ecrin.yaml", siteConfig{id: "crash", name: "Crash test", batch: batchSize, brands: b.brands,
		shop: fmt.Sprintf(`  url: %s
  secret: {file: %s}
  backoff_base: 10ms
  backoff_max: 100ms
`, srv.URL, secretFile),
		extra: `schedule:
  nightly: "03:00"
  catch_up: true
`})
	return b
}

// night writes a night's extract: night 0 is the generated boutique, each later
// night changes the stock of almost every article, so each night is a push of
// thousands of items.
func (b *boutique) night(k int) string {
	b.t.Helper()
	return dropGeneratedNight(b.t, b.inbox, b.articles, k, func(i int, a *erpgen.Article) {
		a.Qty = (max(a.Qty, 0)+k+i)%97 + 1 // never the same night twice
	})
}

// expected reconciles an extract in-process: the plan the shop must end up with.
func (b *boutique) expected(path string) reconcile.Plan {
	b.t.Helper()
	r, err := erp.New("bijou3", erp.Options{})
	if err != nil {
		b.t.Fatal(err)
	}
	m, err := mapping.New(mapping.Config{Brands: b.brands})
	if err != nil {
		b.t.Fatal(err)
	}
	eng := reconcile.NewEngine(b.catalog, reconcile.Rules{}, m)
	f, err := os.Open(path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer f.Close()
	_, err = r.Read(context.Background(), filepath.Base(path), f, erp.Sink{Record: func(rec erp.Record) error {
		eng.Add(reconcile.Line{Ref: rec.Ref, ERPBrand: rec.Brand, RawSize: rec.Size, Label: rec.Label, Qty: rec.Qty, OnOrder: rec.OnOrder,
			PriceCents: rec.PriceCents, HasPrice: rec.HasPrice, Excluded: rec.Excluded, EAN: rec.EAN, Source: rec.Loc.String()})
		return nil
	}})
	if err != nil {
		b.t.Fatal(err)
	}
	return eng.Plan()
}

// assertShopHolds checks that the shop holds exactly the plan's decisions.
func (b *boutique) assertShopHolds(plan reconcile.Plan) {
	b.t.Helper()
	st, err := b.sim.State(context.Background())
	if err != nil {
		b.t.Fatal(err)
	}
	shop := map[reconcile.Target]shopsim.StockState{}
	for _, s := range st {
		shop[reconcile.Target{ProductID: s.ProductID, VariantID: s.VariantID}] = s
	}
	bad := 0
	for _, d := range plan.Decisions {
		s := shop[d.Key()]
		if !s.Pushed || s.Published != d.Published || s.Availability != d.Availability.String() || s.Quantity != d.Quantity ||
			s.RestockDays != d.RestockDays || (d.PriceCents != 0 && s.PriceCents != d.PriceCents) {
			if bad++; bad <= 5 {
				b.t.Errorf("%v: shop holds %+v, plan says %+v", d.Key(), s, d)
			}
		}
	}
	if bad > 0 {
		b.t.Fatalf("%d of %d targets differ from the plan", bad, len(plan.Decisions))
	}
	stats, err := b.sim.Stats(context.Background())
	if err != nil {
		b.t.Fatal(err)
	}
	if stats.KeysAppliedTwice != 0 {
		b.t.Fatalf("shopsim applied %d batches twice", stats.KeysAppliedTwice)
	}
}

func (b *boutique) store() *state.Store {
	b.t.Helper()
	if err := os.MkdirAll(filepath.Join(b.dir, "data"), 0o750); err != nil {
		b.t.Fatal(err)
	}
	st, err := state.Open(context.Background(), filepath.Join(b.dir, "data", "state.db"))
	if err != nil {
		b.t.Fatal(err)
	}
	return st
}

// TestCrashMidPush kills `ecrin run --once` with SIGKILL at random points of pushes
// of about 10,000 items, at least 20 times, and checks that after the restarts the
// shop holds exactly the plan and applied no batch twice.
func TestCrashMidPush(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	b := newBoutique(t, 10_000, 50)
	// Each batch takes a few milliseconds more, so that a push lasts long enough to
	// be cut at many points.
	b.sim.SetFault(shopsim.Fault{Delay: 8 * time.Millisecond, Path: "/v1/stock/batches"})
	rng := rand.New(rand.NewPCG(7, 11))

	night := 0
	last := b.night(night)
	c := crashUntilDone(t, crashLoop{bin: bin, config: b.config, dir: b.dir, maxAttempts: 200, finalRun: true,
		more: func(c crashCounts) bool { return c.midPush < 20 || c.completions == 0 },
		killAt: func(c crashCounts, _ chan error) <-chan struct{} {
			killAfter := time.Duration(100+rng.IntN(2000)) * time.Millisecond
			if c.midPush >= 20 {
				killAfter = 2 * time.Minute // let it finish
			}
			return after(killAfter)
		},
		completed: func(c crashCounts, _ time.Duration, out string) {
			if testing.Verbose() {
				t.Logf("night %d completed: %s", night, out)
			}
			if c.midPush < 20 {
				night++ // a new night to push, and to cut
				last = b.night(night)
			}
		},
	})
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs", c.kills, c.midPush, night+1, c.completions)
	b.sim.SetFault(shopsim.Fault{})
	b.assertShopHolds(b.expected(last))
}

// TestServiceStopsWithinFiveSeconds runs ecrin in the foreground on its schedule —
// the PC was off last night, so the catch-up run starts at once —, stops it with
// SIGTERM in the middle of a push, and checks it exits cleanly within 5 s and that
// the next start resumes the journal.
func TestServiceStopsWithinFiveSeconds(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	b := newBoutique(t, 3_000, 20)
	b.sim.SetFault(shopsim.Fault{Delay: 50 * time.Millisecond, Path: "/v1/stock/batches"})
	path := b.night(0)
	// The last run the history knows is two days old: last night was missed.
	st := b.store()
	old := time.Now().Add(-48 * time.Hour).UTC()
	id, err := st.BeginRun(context.Background(), state.RunStart{Started: old, Trigger: "schedule"})
	if err == nil {
		err = st.FinishRun(context.Background(), id, state.RunEnd{Finished: old, Status: state.StatusNoExtract})
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	start := func() (*exec.Cmd, chan error, *bytes.Buffer) { return startEcrin(t, bin, "run", "--config", b.config) }
	cmd, done, out := start()
	// Wait until the push has begun: batches are journaled.
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := b.sim.Stats(context.Background())
		if err == nil && st.BatchesApplied >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the catch-up run did not start pushing:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if took := time.Since(stopAt); took > 5*time.Second {
			t.Errorf("stopped in %v, want under 5 s", took)
		}
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 10 s after SIGTERM:\n%s", out.String())
	}
	st = b.store()
	pending, err := st.Pending(context.Background())
	st.Close()
	if err != nil || len(pending) == 0 {
		t.Fatalf("after the stop: %d pending batches (%v), want some left to resume", len(pending), err)
	}

	// The next start resumes the journal at once, whatever the schedule says.
	b.sim.SetFault(shopsim.Fault{})
	cmd, done, out = start()
	deadline = time.Now().Add(30 * time.Second)
	for {
		st := b.store()
		p, err := st.Pending(context.Background())
		st.Close()
		if err == nil && len(p) == 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("journal not resumed:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := <-done; err != nil {
		t.Fatalf("second stop: %v\n%s", err, out.String())
	}
	b.assertShopHolds(b.expected(path))
}

// TestCrashDuringCatalogFetchAndReport kills `ecrin run --once` while it fetches the
// catalog (the shop answers slowly) and while it writes the report (a .tmp workbook
// is in the reports folder), and checks that the boutique converges all the same:
// the shop holds the last night's plan, no batch applied twice, nothing pending.
func TestCrashDuringCatalogFetchAndReport(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	b := newBoutique(t, 10_000, 500)
	start := func() (*exec.Cmd, chan error, *bytes.Buffer) {
		return startEcrin(t, bin, "run", "--once", "-q", "--config", b.config)
	}
	kill := func(cmd *exec.Cmd, done chan error) {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
	}
	finish := func(done chan error, out *bytes.Buffer) {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ecrin run --once: %v\n%s", err, out.String())
			}
		case <-time.After(2 * time.Minute):
			t.Fatalf("ecrin run --once did not end\n%s", out.String())
		}
	}

	// The catalog fetch: the shop takes 3 s to answer the first page.
	last := b.night(0)
	b.sim.SetFault(shopsim.Fault{Delay: 3 * time.Second, Path: "/v1/catalog"})
	fetchKills := 0
	for range 5 {
		cmd, done, out := start()
		select {
		case err := <-done:
			t.Fatalf("the run ended during a 3 s catalog fetch: %v\n%s", err, out.String())
		case <-time.After(time.Duration(400+fetchKills*300) * time.Millisecond):
			kill(cmd, done)
			fetchKills++
		}
		st := b.store()
		p, err := st.Pending(context.Background())
		st.Close()
		if err != nil || len(p) != 0 {
			t.Fatalf("killed during the catalog fetch: %d batches pending (%v), want none", len(p), err)
		}
	}
	b.sim.SetFault(shopsim.Fault{})
	_, done, out := start()
	finish(done, out)

	// The report: killed as soon as its temporary workbook appears.
	reports := filepath.Join(b.dir, "data", "reports")
	reportKills := 0
	for night := 1; night <= 12 && reportKills < 5; night++ {
		last = b.night(night)
		cmd, done, out := start()
		killed := false
	poll:
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("ecrin run --once: %v\n%s", err, out.String())
				}
				break poll
			default:
			}
			if entries, _ := os.ReadDir(reports); slices.ContainsFunc(entries, func(e os.DirEntry) bool { return strings.HasSuffix(e.Name(), ".tmp") }) {
				kill(cmd, done)
				killed = true
				break
			}
			time.Sleep(time.Millisecond)
		}
		if killed {
			reportKills++
			_, done, out := start() // the next start finishes what the killed run left
			finish(done, out)
		}
	}
	if reportKills < 3 {
		t.Fatalf("only %d kills during the report write", reportKills)
	}
	_, done, out = start()
	finish(done, out)
	st := b.store()
	defer st.Close()
	if p, err := st.Pending(context.Background()); err != nil || len(p) != 0 {
		t.Fatalf("pending after the last run: %d %v", len(p), err)
	}
	t.Logf("%d kills during the catalog fetch, %d during the report write", fetchKills, reportKills)
	b.assertShopHolds(b.expected(last))
}
