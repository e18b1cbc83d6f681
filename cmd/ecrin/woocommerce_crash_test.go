package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce"
	"github.com/ecrin-connect/ecrin/connector/shop/woocommerce/wcdouble"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
	"github.com/ecrin-connect/ecrin/reconcile"
)

const (
	wcKeyRW    = "ck_crash_rw_0000000000000000000000000001"
	wcSecretRW = "cs_crash_rw_4b7e"
	wcKeyRO    = "ck_crash_ro_0000000000000000000000000002"
	wcSecretRO = "cs_crash_ro_81c0"
)

// wooShop is a WooCommerce double served over TLS in the test process, seeded
// with a generated boutique, and the ecrin.yaml of a site pushing to it.
type wooShop struct {
	d      *wcdouble.Double
	url    string
	caFile string
	brands map[string]string
	tag    int
}

func newWooShop(t *testing.T, dir string, articles []erpgen.Article, delay time.Duration) *wooShop {
	t.Helper()
	d := wcdouble.New(wcdouble.Options{BatchDelay: delay, Keys: map[string]wcdouble.Key{
		wcKeyRW: {Secret: wcSecretRW, Permissions: "read_write"},
		wcKeyRO: {Secret: wcSecretRO, Permissions: "read"},
	}})
	srv := httptest.NewTLSServer(d.Handler())
	t.Cleanup(srv.Close)
	w := &wooShop{d: d, url: srv.URL, caFile: filepath.Join(dir, "woo-ca.pem"), brands: map[string]string{}, tag: wcdouble.TermID("ecrin")}
	if err := os.WriteFile(w.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, a := range articles {
		if a.CatalogBrand != "" {
			w.brands[a.Brand] = a.CatalogBrand
		}
	}
	for _, p := range erpgen.Catalog(slices.Values(articles)) {
		seed := wcdouble.Seed{SKU: p.Ref, GTIN: p.EAN, Brand: p.Brand, Published: p.Published, Tags: []string{"ecrin"}}
		if p.Category != "" {
			seed.Categories = []string{p.Category}
		}
		if !p.Declinable {
			d.AddSimple(p.Ref, seed)
			continue
		}
		var sizes []wcdouble.Seed
		for _, v := range p.Variants {
			sizes = append(sizes, wcdouble.Seed{Size: v.Size, GTIN: v.EAN, Published: true})
		}
		d.AddVariable(p.Ref, "Taille", seed, sizes)
	}
	return w
}

// config writes an ecrin.yaml for the site, with the key given.
func (w *wooShop) config(t *testing.T, dir, inbox, key, secret string) string {
	t.Helper()
	secretFile := filepath.Join(dir, "woo-"+key+".secret")
	if err := os.WriteFile(secretFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var brandLines strings.Builder
	for erpName, c := range w.brands {
		fmt.Fprintf(&brandLines, "    %q: %q\n", erpName, c)
	}
	path := filepath.Join(dir, "ecrin-"+key+".yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(`site: {id: woo-crash, name: Crash test WooCommerce}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: woocommerce
  url: %s
  consumer_key: %s
  secret: {file: %s}
  ca_file: %s
  managed_tag: %d
  backoff_base: 10ms
  backoff_max: 100ms
push: {batch_size: 25}
guards:
  max_unpublish_ratio: -1
  max_unpublish_count: -1
mapping:
  brands:
%s`, filepath.Join(dir, "data"), inbox, w.url, key, secretFile, w.caFile, w.tag, brandLines.String())), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCrashMidPushWooCommerce kills `ecrin run --once` with SIGKILL in the middle
// of pushes to the WooCommerce double (each batch request takes 15 ms), restarts
// it until the night is done, over several nights, and checks that the double
// then holds exactly the last night's plan: the journal resumes the
// unacknowledged batches, and a batch applied before the kill and sent again
// changes nothing (absolute values).
func TestCrashMidPushWooCommerce(t *testing.T) {
	needIntegration(t)
	bin := buildEcrin(t)
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	articles := erpgen.Generate(44, 300)
	w := newWooShop(t, dir, articles, 15*time.Millisecond)
	config := w.config(t, dir, inbox, wcKeyRW, wcSecretRW)

	night := func(k int) string {
		arts := slices.Clone(articles)
		for i := range arts {
			if k > 0 {
				arts[i].Qty = (max(arts[i].Qty, 0)+k+i)%7 + 1
				if i%3 == 0 {
					arts[i].PriceCents += int64(k * 100)
				}
			}
		}
		var buf bytes.Buffer
		if err := erpgen.WriteBijou3(&buf, slices.Values(arts)); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(inbox, fmt.Sprintf("stock_2026%04d.csv", 1100+k))
		if err := os.WriteFile(path, buf.Bytes(), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".done", nil, 0o640); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pending := func() int {
		st := (&boutique{t: t, dir: dir}).store()
		defer st.Close()
		p, err := st.Pending(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(p)
	}

	rng := rand.New(rand.NewPCG(7, 11))
	k := 0
	last := night(k)
	const wantMid = 6
	kills, midPush, completions := 0, 0, 0
	runTime := 2 * time.Second // until a run completes
	for attempt := 0; midPush < wantMid || completions == 0; attempt++ {
		if attempt > 80 {
			t.Fatalf("no convergence after %d attempts (%d kills, %d completions)", attempt, kills, completions)
		}
		cmd := exec.Command(bin, "run", "--once", "-q", "--config", config)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killAfter := time.Duration(100+rng.Int64N(max(int64(runTime/time.Millisecond), 200))) * time.Millisecond
		if midPush >= wantMid {
			killAfter = 5 * time.Minute
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ecrin run --once: %v\n%s", err, out.String())
			}
			completions++
			runTime = time.Since(start)
			t.Logf("night %d completed in %v", k, runTime.Round(time.Millisecond))
			if midPush < wantMid {
				k++
				last = night(k)
			}
		case <-time.After(killAfter):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
			if n := pending(); n > 0 {
				midPush++
				t.Logf("killed after %v with %d batches journaled and not acknowledged", killAfter, n)
			}
		}
	}
	if out, err := exec.Command(bin, "run", "--once", "-q", "--config", config).CombinedOutput(); err != nil {
		t.Fatalf("final run: %v\n%s", err, out)
	}
	if n := pending(); n != 0 {
		t.Fatalf("%d batches pending after the last run", n)
	}
	t.Logf("%d kills (%d in the middle of a push) over %d nights, %d completed runs; double %+v",
		kills, midPush, k+1, completions, w.d.Stats())

	// The double holds the plan of the last night, computed afresh from its catalog.
	a, err := woocommerce.New(woocommerce.Options{URL: w.url, ConsumerKey: wcKeyRW, CAFile: w.caFile, ManagedTag: w.tag}, wcSecretRW)
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := a.Catalog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plan := planOf(t, catalog, w.brands, last)
	if len(plan.Decisions) == 0 {
		t.Fatal("an empty plan")
	}
	bad := 0
	for _, d := range plan.Decisions {
		if msg := wooHolds(t, w.d, d); msg != "" {
			if bad++; bad <= 5 {
				t.Errorf("%v: %s; the plan says %+v", d.Key(), msg, d)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d targets differ from the plan", bad, len(plan.Decisions))
	}
}

// wooHolds says how the double differs from a decision ("" when it holds it).
func wooHolds(t *testing.T, d *wcdouble.Double, dec reconcile.Decision) string {
	t.Helper()
	pid, _ := strconv.Atoi(dec.ProductID)
	p, ok := d.Product(pid)
	if !ok {
		return "no such product"
	}
	s := p.Stock
	wantStatus := "draft"
	if dec.Published {
		wantStatus = "publish"
	}
	if dec.VariantID != "" {
		vid, _ := strconv.Atoi(dec.VariantID)
		v, ok := d.Variation(vid)
		if !ok || v.ParentID != pid {
			return "no such variation"
		}
		s = v.Stock
		if !dec.Published {
			wantStatus = "private"
		}
	} else if p.Type == "variable" {
		if s.Status != wantStatus {
			return fmt.Sprintf("status %s", s.Status)
		}
		return ""
	}
	backorders := "no"
	if dec.Availability == reconcile.Preorder || dec.Availability == reconcile.Backorder {
		backorders = "notify"
	}
	switch {
	case s.Status != wantStatus:
		return fmt.Sprintf("status %s", s.Status)
	case !s.ManageStock || s.Quantity() != max(dec.Quantity, 0):
		return fmt.Sprintf("stock %d (managed %v)", s.Quantity(), s.ManageStock)
	case s.Backorders != backorders:
		return fmt.Sprintf("backorders %s", s.Backorders)
	case s.MetaValue("ecrin_availability") != dec.Availability.String():
		return fmt.Sprintf("availability meta %q", s.MetaValue("ecrin_availability"))
	case dec.PriceCents != 0 && s.RegularPrice != fmt.Sprintf("%d.%02d", dec.PriceCents/100, dec.PriceCents%100):
		return fmt.Sprintf("price %q", s.RegularPrice)
	}
	return ""
}

// TestCheckWooCommerceKeys: `ecrin check` against the double says when the key
// is wrong and when it may only read.
func TestCheckWooCommerceKeys(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	w := newWooShop(t, dir, erpgen.Generate(45, 20), 0)
	tests := []struct {
		name, key, secret, want string
	}{
		{"wrong key", "ck_nobody_000000000000000000000000000000", wcSecretRW, "no such consumer key"},
		{"wrong secret", wcKeyRW, "cs_wrong", "consumer secret does not match"},
		{"read-only key", wcKeyRO, wcSecretRO, "Read permission only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := w.config(t, dir, inbox, tt.key, tt.secret)
			var out, errOut bytes.Buffer
			code := dispatch([]string{"check", "--config", config}, &out, &errOut)
			got := out.String() + errOut.String()
			if code == 0 || !strings.Contains(got, tt.want) {
				t.Fatalf("exit %d, output:\n%s\nwant it to say %q", code, got, tt.want)
			}
			t.Logf("ecrin check:\n%s", got)
			if strings.Contains(got, tt.secret) {
				t.Fatalf("the output shows the secret:\n%s", got)
			}
		})
	}
	t.Run("read/write key", func(t *testing.T) {
		config := w.config(t, dir, inbox, wcKeyRW, wcSecretRW)
		var out, errOut bytes.Buffer
		if code := dispatch([]string{"check", "--config", config}, &out, &errOut); code != 0 {
			t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
		}
	})
}
