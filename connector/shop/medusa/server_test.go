package medusa_test

// Helpers of the tests against a real Medusa v2 server, started by .ci/medusa.sh
// (which prints the ECRIN_MEDUSA_* variables). Without ECRIN_MEDUSA_URL the tests
// that need the server are skipped: `go test ./...` needs no Node.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/shop/medusa"
)

// server is the Medusa server of the integration tests.
type server struct {
	t                                        *testing.T
	url, key, publishable                    string
	salesChannel, location, region, shipping string
	dir                                      string // the npm project (place-order.mjs)
}

// needServer returns the server the environment names, or skips the test.
func needServer(t *testing.T) *server {
	t.Helper()
	s := &server{
		t:            t,
		url:          os.Getenv("ECRIN_MEDUSA_URL"),
		key:          os.Getenv("ECRIN_MEDUSA_KEY"),
		publishable:  os.Getenv("ECRIN_MEDUSA_PUBLISHABLE_KEY"),
		salesChannel: os.Getenv("ECRIN_MEDUSA_SALES_CHANNEL"),
		location:     os.Getenv("ECRIN_MEDUSA_LOCATION"),
		region:       os.Getenv("ECRIN_MEDUSA_REGION"),
		shipping:     os.Getenv("ECRIN_MEDUSA_SHIPPING_PROFILE"),
		dir:          os.Getenv("ECRIN_MEDUSA_SERVER_DIR"),
	}
	if s.url == "" {
		t.Skip("ECRIN_MEDUSA_URL is not set: start a Medusa server with .ci/medusa.sh")
	}
	for name, v := range map[string]string{"ECRIN_MEDUSA_KEY": s.key, "ECRIN_MEDUSA_SALES_CHANNEL": s.salesChannel,
		"ECRIN_MEDUSA_LOCATION": s.location} {
		if v == "" {
			t.Fatalf("ECRIN_MEDUSA_URL is set but %s is not: source the output of .ci/medusa.sh", name)
		}
	}
	if s.dir == "" {
		s.dir, _ = filepath.Abs("testdata/server")
	}
	return s
}

// settings is the shop block of a site on this server.
func (s *server) settings(extra string) string {
	return fmt.Sprintf("kind: medusa\nurl: %s\nsales_channel: %s\nstock_location: %s\nmax_retries: 2\nbackoff_base: 10ms\nbackoff_max: 50ms\n%s",
		s.url, s.salesChannel, s.location, extra)
}

// open opens the kind through the registry, as a site does.
func (s *server) open(extra string) shop.Shop {
	s.t.Helper()
	var block yaml.Node
	if err := yaml.Unmarshal([]byte(s.settings(extra)), &block); err != nil {
		s.t.Fatal(err)
	}
	sh, err := shop.Open("medusa", block.Content[0], shop.Env{Boutique: "b1", Secret: shop.Secret(s.key),
		OnRetry: func(r string, n int, w time.Duration, cause error) {
			s.t.Logf("retry %d of %s in %s: %v", n, r, w, cause)
		}})
	if err != nil {
		s.t.Fatal(err)
	}
	return sh
}

// admin sends an Admin API request with the secret key and decodes the answer.
func (s *server) admin(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(s.key+":")))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(out)
}

func (s *server) mustAdmin(method, path string, in, out any) {
	s.t.Helper()
	if err := s.admin(method, path, in, out); err != nil {
		s.t.Fatal(err)
	}
}

// testProduct is a product the test created: its id and its variants by size
// ("" for a product without sizes).
type testProduct struct {
	ID       string
	Ref      string
	Variants map[string]string
}

// createProducts creates products in the boutique's channel through the Admin
// API, each with sizes (none: a product without sizes), with stock 1 at the
// location and a price of 100 €, in batches of 100.
func (s *server) createProducts(prefix string, n int, sizes []string) []testProduct {
	s.t.Helper()
	type variant struct {
		Title           string            `json:"title"`
		SKU             string            `json:"sku"`
		ManageInventory bool              `json:"manage_inventory"`
		Options         map[string]string `json:"options"`
		Prices          []map[string]any  `json:"prices"`
	}
	type option struct {
		Title  string   `json:"title"`
		Values []string `json:"values"`
	}
	type product struct {
		Title          string              `json:"title"`
		Status         string              `json:"status"`
		Metadata       map[string]string   `json:"metadata"`
		Options        []option            `json:"options"`
		Variants       []variant           `json:"variants"`
		SalesChannels  []map[string]string `json:"sales_channels"`
		ShippingProfID string              `json:"shipping_profile_id,omitempty"`
	}
	price := []map[string]any{{"currency_code": "eur", "amount": 100}}
	var out []testProduct
	for start := 0; start < n; start += 100 {
		var batch []product
		for i := start; i < min(start+100, n); i++ {
			ref := fmt.Sprintf("%s-%05d", prefix, i)
			p := product{Title: "Bijou " + ref, Status: "published", Metadata: map[string]string{"brand": "Test"},
				SalesChannels: []map[string]string{{"id": s.salesChannel}}, ShippingProfID: s.shipping}
			if len(sizes) == 0 {
				p.Options = []option{{"Modèle", []string{"Unique"}}}
				p.Variants = []variant{{ref, ref, true, map[string]string{"Modèle": "Unique"}, price}}
			} else {
				p.Options = []option{{"Taille", sizes}}
				for _, sz := range sizes {
					p.Variants = append(p.Variants, variant{ref + " " + sz, ref + "-" + sz, true, map[string]string{"Taille": sz}, price})
				}
			}
			batch = append(batch, p)
		}
		var res struct {
			Created []struct {
				ID       string `json:"id"`
				Variants []struct {
					ID      string `json:"id"`
					Options []struct {
						Value string `json:"value"`
					} `json:"options"`
					InventoryItems []struct {
						InventoryItemID string `json:"inventory_item_id"`
					} `json:"inventory_items"`
				} `json:"variants"`
			} `json:"created"`
		}
		s.mustAdmin("POST", "/admin/products/batch?fields=id,variants.id,variants.options.value,variants.inventory_items.inventory_item_id",
			map[string]any{"create": batch}, &res)
		var levels []map[string]any
		for k, c := range res.Created {
			tp := testProduct{ID: c.ID, Ref: fmt.Sprintf("%s-%05d", prefix, start+k), Variants: map[string]string{}}
			for _, v := range c.Variants {
				size := ""
				if len(sizes) > 0 && len(v.Options) > 0 {
					size = v.Options[0].Value
				}
				tp.Variants[size] = v.ID
				for _, ii := range v.InventoryItems {
					levels = append(levels, map[string]any{"inventory_item_id": ii.InventoryItemID, "location_id": s.location, "stocked_quantity": 1})
				}
			}
			out = append(out, tp)
		}
		s.mustAdmin("POST", "/admin/inventory-items/location-levels/batch", map[string]any{"create": levels}, nil)
	}
	return out
}

// variantState is what the shop shows of one variant, read back for the checks.
type variantState struct {
	Stocked, Reserved, Available int
	PriceCents                   int64
	AllowBackorder               bool
	Availability                 string
	RestockDays                  string
}

type productState struct {
	Status   string
	Variants map[string]variantState // by variant id
}

// state reads back a product's status, and per variant its stock at the
// location, EUR price and backorder setting.
func (s *server) state(id string) productState {
	s.t.Helper()
	var res struct {
		Product struct {
			Status   string `json:"status"`
			Variants []struct {
				ID             string         `json:"id"`
				AllowBackorder bool           `json:"allow_backorder"`
				Metadata       map[string]any `json:"metadata"`
				Prices         []struct {
					Amount       json.Number `json:"amount"`
					CurrencyCode string      `json:"currency_code"`
				} `json:"prices"`
				InventoryItems []struct {
					Inventory struct {
						LocationLevels []struct {
							LocationID        string      `json:"location_id"`
							StockedQuantity   json.Number `json:"stocked_quantity"`
							ReservedQuantity  json.Number `json:"reserved_quantity"`
							AvailableQuantity json.Number `json:"available_quantity"`
						} `json:"location_levels"`
					} `json:"inventory"`
				} `json:"inventory_items"`
			} `json:"variants"`
		} `json:"product"`
	}
	fields := "status,variants.id,variants.allow_backorder,variants.metadata,variants.prices.amount,variants.prices.currency_code," +
		"variants.inventory_items.inventory.location_levels.location_id,variants.inventory_items.inventory.location_levels.stocked_quantity," +
		"variants.inventory_items.inventory.location_levels.reserved_quantity,variants.inventory_items.inventory.location_levels.available_quantity"
	s.mustAdmin("GET", "/admin/products/"+id+"?fields="+url.QueryEscape(fields), nil, &res)
	ps := productState{Status: res.Product.Status, Variants: map[string]variantState{}}
	for _, v := range res.Product.Variants {
		vs := variantState{AllowBackorder: v.AllowBackorder}
		vs.Availability, _ = v.Metadata["ecrin_availability"].(string)
		if d, ok := v.Metadata["ecrin_restock_days"].(json.Number); ok {
			vs.RestockDays = string(d)
		}
		for _, p := range v.Prices {
			if p.CurrencyCode == "eur" {
				r, _ := strconv.ParseFloat(string(p.Amount), 64)
				vs.PriceCents = int64(r*100 + 0.5)
			}
		}
		for _, ii := range v.InventoryItems {
			for _, l := range ii.Inventory.LocationLevels {
				if l.LocationID == s.location {
					vs.Stocked, vs.Reserved, vs.Available = atoi(l.StockedQuantity), atoi(l.ReservedQuantity), atoi(l.AvailableQuantity)
				}
			}
		}
		ps.Variants[v.ID] = vs
	}
	return ps
}

func atoi(n json.Number) int {
	f, _ := strconv.ParseFloat(string(n), 64)
	return int(f)
}

// placeOrder places a web order for qty of the variant through the Store API
// (testdata/server/place-order.mjs) and returns its display id.
func (s *server) placeOrder(variant string, qty int) string {
	s.t.Helper()
	if s.publishable == "" || s.region == "" {
		s.t.Fatal("ECRIN_MEDUSA_PUBLISHABLE_KEY and ECRIN_MEDUSA_REGION are needed to place an order")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "place-order.mjs", variant, strconv.Itoa(qty))
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "MEDUSA_URL="+s.url, "PUBLISHABLE_KEY="+s.publishable, "REGION_ID="+s.region)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		s.t.Fatalf("place an order for %s: %v\n%s", variant, err, stderr)
	}
	var res struct {
		DisplayID json.Number `json:"display_id"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		s.t.Fatalf("place-order.mjs answered %q: %v", out, err)
	}
	return string(res.DisplayID)
}

// storeCartFails tries to put qty of the variant in a storefront cart and
// returns Medusa's refusal ("" when the cart took it).
func (s *server) storeCartFails(variant string, qty int) string {
	s.t.Helper()
	b, _ := json.Marshal(map[string]any{"region_id": s.region, "items": []map[string]any{{"variant_id": variant, "quantity": qty}}})
	req, _ := http.NewRequest("POST", s.url+"/store/carts", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-publishable-api-key", s.publishable)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 == 2 {
		return ""
	}
	return strings.TrimSpace(string(data))
}

var _ = medusa.Kind
