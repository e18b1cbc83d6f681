// Package shopify is the shop kind for a Shopify shop, through the Admin GraphQL
// API (version 2026-04 or newer) and the access token of a custom app: ecrin reads
// the catalog (products, size variants, barcodes), sets the on-hand stock of one
// location (inventorySetQuantities, compare-and-set, @idempotent), prices and the
// out-of-stock policy (productVariantsBulkUpdate) and the product status
// (productUpdate), and reads the open orders. Package shopifydouble beside it is a
// double of that API written from Shopify's documentation, for the tests. See
// README.md for the setup, the mapping and what the documentation left open.
package shopify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Kind is this shop kind's name in the configuration.
const Kind = "shopify"

func init() {
	shop.RegisterKind(Kind, func(o Options, env shop.Env) (*Adapter, error) { return New(o, env.Secret) },
		func(a *Adapter) *shop.Retrier { return &a.retry })
}

var _ shop.Shop = (*Adapter)(nil)

// RequiredScopes are the access scopes the custom app must be granted.
var RequiredScopes = []string{"read_products", "write_products", "read_inventory", "write_inventory", "read_orders", "read_locations"}

// Adapter is one boutique's Shopify shop. It is safe for concurrent use.
type Adapter struct {
	opts     Options
	token    shop.Secret
	endpoint string // the Admin API's GraphQL URL
	where    string // the same, for errors
	http     *http.Client
	retry    shop.Retrier
	now      func() time.Time

	mu       sync.Mutex
	bucket   bucket
	location string // the location's id, once resolved
}

// New checks o and returns an adapter; it sends nothing until it is used.
func New(o Options, token shop.Secret) (*Adapter, error) {
	o, endpoint, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, errors.New("shop.secret is required: the Admin API access token of the shop's custom app")
	}
	u, _ := url.Parse(endpoint)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 4
	return &Adapter{
		opts:     o,
		token:    token,
		endpoint: endpoint,
		where:    u.Redacted(),
		http:     &http.Client{Timeout: o.Timeout, Transport: transport},
		retry:    o.RetryOptions.Retrier(nil),
		now:      time.Now,
		bucket:   bucket{costs: map[string]float64{}},
	}, nil
}

// String says where the shop is, without any secret.
func (a *Adapter) String() string { return "shopify " + a.where }

// Traits: Shopify counts the units of its unfulfilled orders as committed and
// subtracts them from on_hand (available = on_hand − committed − …) itself.
func (a *Adapter) Traits() shop.Traits { return shop.Traits{Reserves: true, MaxBatch: a.opts.MaxBatch} }

// Ping reads the shop's name and the scopes granted to the custom app, and
// resolves the location: what `ecrin check` reports.
func (a *Adapter) Ping(ctx context.Context) error {
	var out struct {
		Shop                   struct{ Name string } `json:"shop"`
		CurrentAppInstallation struct {
			AccessScopes []struct{ Handle string } `json:"accessScopes"`
		} `json:"currentAppInstallation"`
	}
	if err := a.gql(ctx, "Ping", `query Ping { shop { name } currentAppInstallation { accessScopes { handle } } }`, nil, &out); err != nil {
		return fmt.Errorf("ping %s: %w", a, err)
	}
	granted := map[string]bool{}
	for _, s := range out.CurrentAppInstallation.AccessScopes {
		granted[s.Handle] = true
	}
	var missing []string
	for _, s := range RequiredScopes {
		// A write scope includes its read scope.
		if !granted[s] && !(strings.HasPrefix(s, "read_") && granted["write_"+strings.TrimPrefix(s, "read_")]) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("ping %s (%s): the custom app lacks the access scope(s) %s: add them in the app's Admin API configuration and install it again",
			a, out.Shop.Name, strings.Join(missing, ", "))
	}
	if _, err := a.locationID(ctx); err != nil {
		return fmt.Errorf("ping %s (%s): %w", a, out.Shop.Name, err)
	}
	return nil
}

// locationID resolves the location setting to a location id.
func (a *Adapter) locationID(ctx context.Context) (string, error) {
	a.mu.Lock()
	id := a.location
	a.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var out struct {
		Locations struct {
			Nodes []struct {
				ID, Name string
				IsActive bool `json:"isActive"`
			} `json:"nodes"`
		} `json:"locations"`
	}
	if err := a.gql(ctx, "Locations", `query Locations { locations(first: 250) { nodes { id name isActive } } }`, nil, &out); err != nil {
		return "", fmt.Errorf("read locations: %w", err)
	}
	want := a.opts.Location
	if want != "" && !strings.HasPrefix(want, "gid://") && strings.Trim(want, "0123456789") == "" {
		want = "gid://shopify/Location/" + want
	}
	var names []string
	for _, l := range out.Locations.Nodes {
		names = append(names, fmt.Sprintf("%q (%s)", l.Name, l.ID))
		switch {
		case want == "" && len(out.Locations.Nodes) == 1,
			want != "" && (l.ID == want || strings.EqualFold(l.Name, want)):
			if !l.IsActive {
				return "", fmt.Errorf("location %q is deactivated in Shopify", l.Name)
			}
			id = l.ID
		}
	}
	slices.Sort(names)
	switch {
	case id == "" && want == "":
		return "", fmt.Errorf("the shop has %d locations: set shop.location to one of %s", len(names), strings.Join(names, ", "))
	case id == "":
		return "", fmt.Errorf("shop.location %q: no such location in Shopify (it has %s)", a.opts.Location, strings.Join(names, ", "))
	}
	a.mu.Lock()
	a.location = id
	a.mu.Unlock()
	return id, nil
}
