package medusa_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// newChannel creates a sales channel of its own for a test (so that the test's
// extract names the whole catalog ecrin sees), sold from the test location.
func (s *server) newChannel(name string) string {
	s.t.Helper()
	var res struct {
		SalesChannel struct {
			ID string `json:"id"`
		} `json:"sales_channel"`
	}
	s.mustAdmin("POST", "/admin/sales-channels", map[string]any{"name": name}, &res)
	s.mustAdmin("POST", "/admin/stock-locations/"+s.location+"/sales-channels", map[string]any{"add": []string{res.SalesChannel.ID}}, nil)
	return res.SalesChannel.ID
}

// bijou3 writes a Bijou3 extract (Windows-1252, semicolons, decimal commas).
func bijou3(rows ...string) []byte {
	head := "Code article;R\xe9f. fournisseur;Marque;D\xe9signation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n"
	return []byte(head + strings.Join(rows, "\r\n") + "\r\n")
}

// TestMedusaSite runs two nights of a whole site — folder source, Bijou3
// extract, engine, state, push — against the real Medusa server, configured as
// a boutique's ecrin.yaml would be.
func TestMedusaSite(t *testing.T) {
	s := needServer(t)
	s.salesChannel = s.newChannel(fmt.Sprintf("ecrin site test %d", time.Now().UnixNano()))
	prefix := fmt.Sprintf("ST%d", time.Now().UnixNano()%1e9)
	ring := s.createProducts(prefix+"R", 1, []string{"50", "52", "54"})[0]
	watch := s.createProducts(prefix+"W", 1, nil)[0]

	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECRIN_TEST_MEDUSA_SECRET", s.key)
	cfgText := fmt.Sprintf(`site: {id: medusa-site, name: Bijouterie Medusa}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
  kind: medusa
  url: %s
  secret: {env: ECRIN_TEST_MEDUSA_SECRET}
  sales_channel: %s
  stock_location: %s
  max_retries: 2
  backoff_base: 10ms
  backoff_max: 50ms
mapping:
  brands:
    TEST: Test
guards: {max_unpublish_ratio: 0.9}   # two products: one unpublished is half the shop
rules:
  preorder:
    - delay_days: 10
`, filepath.Join(dir, "data"), inbox, s.url, s.salesChannel, s.location)
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	site, err := connector.Open(ctx, cfg, connector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()

	drop := func(name string, content []byte) {
		t.Helper()
		p := filepath.Join(inbox, name)
		if err := os.WriteFile(p, content, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p+".done", nil, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string) connector.Outcome {
		t.Helper()
		out, err := site.RunOnce(ctx, connector.TriggerManual)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if out.Status != state.StatusDone || out.Rejected != 0 {
			t.Fatalf("%s: %+v", name, out)
		}
		t.Logf("%s: %d rows, %d matched, %d pushed, %d published, %d unpublished in %s",
			name, out.Rows, out.Matched, out.Pushed, out.Published, out.Unpublished, out.Duration.Round(time.Millisecond))
		return out
	}

	// Night 1: size 50 has one piece at 999 €, 52 none but one on order (pre-order),
	// 54 two at 1 234,56 €; the watch three at 123,45 €.
	drop("stock_20261201.csv", bijou3(
		"1;"+ring.Ref+";TEST;Bague;50;1;0;999,00;A;",
		"2;"+ring.Ref+";TEST;Bague;52;0;1;999,00;A;",
		"3;"+ring.Ref+";TEST;Bague;54;2;0;1 234,56;A;",
		"4;"+watch.Ref+";TEST;Montre;;3;0;123,45;A;",
	))
	n1 := run("night 1")
	if n1.Matched != 4 || n1.Pushed == 0 {
		t.Fatalf("night 1: %+v", n1)
	}
	rs, ws := s.state(ring.ID), s.state(watch.ID)
	want := map[string]variantState{
		"50": {Stocked: 1, Available: 1, PriceCents: 99900, Availability: "in_stock", RestockDays: "0"},
		"52": {Stocked: 0, PriceCents: 99900, AllowBackorder: true, Availability: "preorder", RestockDays: "10"},
		"54": {Stocked: 2, Available: 2, PriceCents: 123456, Availability: "in_stock", RestockDays: "0"},
	}
	for size, w := range want {
		if got := rs.Variants[ring.Variants[size]]; got != w {
			t.Errorf("night 1, size %s: %+v, want %+v", size, got, w)
		}
	}
	if got := ws.Variants[watch.Variants[""]]; ws.Status != "published" || got.Stocked != 3 || got.PriceCents != 12345 {
		t.Errorf("night 1, watch %s: %+v", ws.Status, got)
	}

	// Night 2: the 54 costs 1 199 € now; the watch is sold out with none on order.
	drop("stock_20261202.csv", bijou3(
		"1;"+ring.Ref+";TEST;Bague;50;1;0;999,00;A;",
		"2;"+ring.Ref+";TEST;Bague;52;0;1;999,00;A;",
		"3;"+ring.Ref+";TEST;Bague;54;2;0;1 199,00;A;",
		"4;"+watch.Ref+";TEST;Montre;;0;0;123,45;A;",
	))
	n2 := run("night 2")
	if n2.Pushed != 2 {
		t.Errorf("night 2 pushed %d items, want 2 (the size 54 and the watch)", n2.Pushed)
	}
	rs, ws = s.state(ring.ID), s.state(watch.ID)
	if got := rs.Variants[ring.Variants["54"]]; got.PriceCents != 119900 || got.Stocked != 2 {
		t.Errorf("night 2, size 54: %+v", got)
	}
	if got := ws.Variants[watch.Variants[""]]; ws.Status != "draft" || got.Stocked != 0 {
		t.Errorf("night 2, watch %s: %+v, want draft with none in stock", ws.Status, got)
	}
	if rs.Status != "published" {
		t.Errorf("night 2, ring %s", rs.Status)
	}
}
