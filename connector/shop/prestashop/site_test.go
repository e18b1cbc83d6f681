package prestashop_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shop/prestashop/psdouble"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// boutique is a PrestaShop double with rings of four sizes and watches, and a
// whole site on it: folder source, Bijou3 extracts, state file, push.
type boutique struct {
	t      *testing.T
	ps     *psdouble.Server
	site   *connector.Site
	inbox  string
	rings  []ringIDs
	watch  []int
	nights int
	now    time.Time
}

type ringIDs struct {
	id    int
	sizes map[string]int
}

var ringSizes = []string{"50", "52", "54", "56"}

const rings, watches = 50, 50

func newBoutique(t *testing.T, extra string) *boutique {
	t.Helper()
	b := &boutique{t: t, ps: psdouble.New(), now: time.Date(2026, 11, 21, 2, 30, 0, 0, time.UTC)}
	b.ps.AddKey(key, psdouble.AllPerms())
	for i := range rings {
		id, sizes := b.ps.AddProduct(psdouble.ProductSpec{Reference: fmt.Sprintf("BAG-%03d", i), Manufacturer: "Maison",
			Price: "833.333333", Active: true, Categories: []int{2}, Sizes: []psdouble.SizeSpec{{Name: "50"}, {Name: "52"}, {Name: "54"}, {Name: "56"}}})
		b.rings = append(b.rings, ringIDs{id, sizes})
	}
	for i := range watches {
		id, _ := b.ps.AddProduct(psdouble.ProductSpec{Reference: fmt.Sprintf("MON-%03d", i), Manufacturer: "Tissot", Price: "100.000000", Active: true, Categories: []int{2}})
		b.watch = append(b.watch, id)
	}
	srv := httptest.NewServer(b.ps)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	b.inbox = filepath.Join(dir, "inbox")
	if err := os.MkdirAll(b.inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECRIN_TEST_PRESTASHOP_KEY", key)
	cfgText := fmt.Sprintf(`site: {id: ps-site, name: Bijouterie PrestaShop}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: prestashop
  url: %s
  secret: {env: ECRIN_TEST_PRESTASHOP_KEY}
  max_retries: 2
  backoff_base: 1ms
  backoff_max: 5ms
push: {batch_size: 50}
guards: {max_unpublish_ratio: -1, max_unpublish_count: -1}
mapping:
  brands:
    MAISON: Maison
    TISSOT: Tissot
%s`, filepath.Join(dir, "data"), b.inbox, srv.URL, extra)
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	b.site, err = connector.Open(context.Background(), cfg, connector.Options{Now: func() time.Time { return b.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.site.Close() })
	return b
}

// stock is night k's stock of ring i size j (k 0: night 1); watch sizes are j = -1.
type stockFunc func(i, j int) (qty int, cents int64)

// night1 is every size of every ring in stock at a price of its own, every
// watch in stock; the last size of ring 0 has a single piece.
func night1(i, j int) (int, int64) {
	if j < 0 {
		return 1 + i%3, 12345 + int64(i)
	}
	if i == 0 && j == 3 {
		return 1, 130000
	}
	return 1 + (i+j)%4, 100000 + int64(j)*1000 + int64(i)
}

func (b *boutique) drop(stock stockFunc) {
	b.t.Helper()
	var sb strings.Builder
	sb.WriteString("Code article;R\xe9f. fournisseur;Marque;D\xe9signation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n")
	line := 0
	for i := range rings {
		for j, sz := range ringSizes {
			q, c := stock(i, j)
			line++
			fmt.Fprintf(&sb, "%d;BAG-%03d;MAISON;Bague;%s;%d;0;%d,%02d;A;\r\n", line, i, sz, q, c/100, c%100)
		}
	}
	for i := range watches {
		q, c := stock(i, -1)
		line++
		fmt.Fprintf(&sb, "%d;MON-%03d;TISSOT;Montre;;%d;0;%d,%02d;A;\r\n", line, i, q, c/100, c%100)
	}
	b.nights++
	p := filepath.Join(b.inbox, fmt.Sprintf("stock_2026%04d.csv", 1100+b.nights))
	if err := os.WriteFile(p, []byte(sb.String()), 0o640); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(p+".done", nil, 0o640); err != nil {
		b.t.Fatal(err)
	}
}

func (b *boutique) run() connector.Outcome {
	b.t.Helper()
	out, err := b.site.RunOnce(context.Background(), connector.TriggerManual)
	if err != nil {
		b.t.Fatalf("run: %v", err)
	}
	if out.Status != state.StatusDone {
		b.t.Fatalf("run: %+v", out)
	}
	b.now = b.now.Add(24 * time.Hour)
	return out
}

// holds checks that the shop holds stock (prices with 20 % VAT, as impacts on
// the rings' own price).
func (b *boutique) holds(stock stockFunc) {
	b.t.Helper()
	bad := 0
	check := func(what string, ok bool, got any) {
		if !ok {
			if bad++; bad <= 5 {
				b.t.Errorf("%s: %+v", what, got)
			}
		}
	}
	for i, r := range b.rings {
		for j, sz := range ringSizes {
			q, c := stock(i, j)
			s := b.ps.Stock(r.id, r.sizes[sz])
			check(fmt.Sprintf("ring %d size %s: want %d", i, sz, q), s.Quantity == q && s.OutOfStock == 0, s)
			cb := b.ps.Combination(r.sizes[sz])
			check(fmt.Sprintf("ring %d size %s price: want %d cents", i, sz, c), grossOf(cb.Price, "833.333333") == c, cb.Price)
		}
	}
	for i, id := range b.watch {
		q, c := stock(i, -1)
		s, p := b.ps.Stock(id, 0), b.ps.Product(id)
		check(fmt.Sprintf("watch %d: want %d at %d", i, q, c), s.Quantity == q && grossOf(p.Price, "0") == c && p.Active == (q > 0), p)
	}
}

// grossOf is the price with 20 % VAT, in cents, of a price plus a base.
func grossOf(price, base string) int64 {
	micros := func(s string) int64 {
		var w, f int64
		neg := strings.HasPrefix(s, "-")
		whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		w, _ = strconv.ParseInt(whole, 10, 64)
		f, _ = strconv.ParseInt((frac + "000000")[:6], 10, 64)
		if neg {
			return -(w*1e6 + f)
		}
		return w*1e6 + f
	}
	m := micros(price) + micros(base)
	return (m*12000/10000 + 5000) / 10000
}

// TestFirstNightThenOnePercent: night 1 sets every size and watch; night 2 changes
// 1 % of the lines and only those reach the shop.
func TestFirstNightThenOnePercent(t *testing.T) {
	b := newBoutique(t, "")
	b.drop(night1)
	n1 := b.run()
	if n1.Pushed != rings*5+watches || n1.Rejected != 0 {
		t.Fatalf("night 1: %+v", n1)
	}
	b.holds(night1)
	if m := b.ps.MaxInFlight(); m > 4 {
		t.Errorf("%d requests at once, the default concurrency is 4", m)
	}

	night2 := func(i, j int) (int, int64) {
		q, c := night1(i, j)
		switch {
		case i == 7 && j == 1:
			q = 9
		case i == 8 && j == 2:
			c += 5000
		case i == 9 && j < 0:
			q = 0
		}
		return q, c
	}
	b.ps.ResetCounts()
	b.drop(night2)
	n2 := b.run()
	// The 3 lines that changed, and ring 7 whose summed quantity changed with its size.
	if n2.Pushed != 4 {
		t.Errorf("night 2 pushed %d items, want the 4 that changed", n2.Pushed)
	}
	if put, patch := b.ps.Count("PUT", "stock_availables"), b.ps.Count("PATCH", "combinations")+b.ps.Count("PATCH", "products"); put != 3 || patch != 4 {
		t.Errorf("night 2: %d stock writes and %d patches, want 3 and 4", put, patch)
	}
	b.holds(night2)
}

// TestWebSaleIsNeverSoldTwice: night 1 publishes the last piece of a ring size;
// a customer buys it on PrestaShop; night 2's extract still counts it (the till
// does not know the sale yet): the size stays at 0 and nobody can buy it again.
func TestWebSaleIsNeverSoldTwice(t *testing.T) {
	b := newBoutique(t, "")
	b.drop(night1)
	b.run()
	r := b.rings[0]
	last := r.sizes["56"]
	if s := b.ps.Stock(r.id, last); s.Quantity != 1 {
		t.Fatalf("night 1 left %d pieces of the size, want 1", s.Quantity)
	}
	order, err := b.ps.PlaceOrder(b.now.Add(-6*time.Hour), 2, psdouble.OrderLine{ProductID: r.id, Attribute: last, Quantity: 1})
	if err != nil {
		t.Fatal(err)
	}
	b.drop(func(i, j int) (int, int64) { // the same, but for another watch sold in the boutique
		q, c := night1(i, j)
		if i == watches-1 && j < 0 {
			q--
		}
		return q, c
	})
	out := b.run()
	if s := b.ps.Stock(r.id, last); s.Quantity != 0 || s.OutOfStock != 0 {
		t.Errorf("after night 2 the size is %+v: the piece sold online is on sale again", s)
	}
	if _, err := b.ps.PlaceOrder(b.now, 2, psdouble.OrderLine{ProductID: r.id, Attribute: last, Quantity: 1}); err == nil {
		t.Error("a second customer could buy the piece")
	}
	if out.Pushed == 0 {
		t.Errorf("night 2 pushed nothing: the size sold by order %s was left on sale", order)
	}
}

// TestPartialFailureInTheReport: items PrestaShop refuses are rejected one by one
// and the run says so; the others are applied.
func TestPartialFailureInTheReport(t *testing.T) {
	b := newBoutique(t, "")
	refused := b.rings[3].sizes["52"]
	b.ps.Refuse = func(resource string, id int) string {
		if resource == "combinations" && id == refused {
			return "property Combination->price is not valid"
		}
		return ""
	}
	b.drop(night1)
	out, err := b.site.RunOnce(context.Background(), connector.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != state.StatusDone || out.Rejected != 1 {
		t.Errorf("run %+v, want done with 1 rejection", out)
	}
	if q := b.ps.Stock(b.rings[3].id, b.rings[3].sizes["54"]).Quantity; q == 0 {
		t.Error("the other sizes were not applied")
	}
}

// TestResumedPushSendsOnlyWhatWasNotAnswered: the shop goes down in the middle of
// a batch; the next start sends only the items the shop had not answered, then the
// shop holds the whole night.
func TestResumedPushSendsOnlyWhatWasNotAnswered(t *testing.T) {
	b := newBoutique(t, "")
	b.drop(night1)
	b.run()
	night2 := func(i, j int) (int, int64) {
		q, c := night1(i, j)
		return q + 1, c + 100
	}
	b.ps.ResetCounts()
	var puts atomic.Int64
	down := atomic.Bool{}
	b.ps.Fail = func(r *http.Request) int {
		if down.Load() {
			return http.StatusInternalServerError
		}
		if r.Method == http.MethodPut && puts.Add(1) == 75 { // in the middle of the second batch
			down.Store(true)
			return http.StatusInternalServerError
		}
		return 0
	}
	b.drop(night2)
	if _, err := b.site.RunOnce(context.Background(), connector.TriggerManual); err == nil {
		t.Fatal("the run went through a shop down")
	}
	first := len(b.ps.Writes())
	writesBefore := b.ps.Writes()
	b.ps.Fail = nil
	down.Store(false)
	b.ps.ResetCounts()
	if err := b.site.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	total := rings*len(ringSizes) + watches
	resent := 0
	for k := range b.ps.Writes() {
		if strings.HasPrefix(k, "PUT ") && writesBefore[k] > 0 {
			resent++
		}
	}
	put := b.ps.Count("PUT", "stock_availables")
	stockBefore := 0
	for k := range writesBefore {
		if strings.HasPrefix(k, "PUT ") {
			stockBefore++
		}
	}
	t.Logf("before the failure %d writes (%d stock), after it %d stock writes, %d of them again", first, stockBefore, put, resent)
	if put+stockBefore-resent != total {
		t.Errorf("%d + %d − %d stock writes, want the %d items each written", put, stockBefore, resent, total)
	}
	if resent > 4 {
		t.Errorf("%d items written before the failure were sent again; only those in flight (at most 4) may be", resent)
	}
	if put >= total-50 {
		t.Errorf("the resumed push wrote %d stocks: the items of the interrupted batch already answered were sent again", put)
	}
	b.holds(night2)
}
