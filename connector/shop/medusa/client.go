// Package medusa is the shop kind of a boutique whose web shop runs on Medusa v2:
// it reads the catalog of one sales channel through the Admin API, pushes stock
// levels at the boutique's stock location, prices, backorders and publication,
// and reads the open web orders from Medusa's reservations. See README.md for the
// mapping and the settings.
package medusa

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Kind is the name of the kind in the configuration (shop.kind).
const Kind = "medusa"

func init() {
	shop.RegisterKind(Kind, func(o Options, env shop.Env) (*Adapter, error) { return New(o, env.Secret) },
		func(a *Adapter) *shop.Retrier { return &a.retry })
}

var _ shop.Shop = (*Adapter)(nil)

// maxAnswer bounds the size of an answer the adapter reads.
const maxAnswer = 256 << 20

// Adapter is one boutique's Medusa v2 shop. It is safe for use by one run at a time.
type Adapter struct {
	opts   Options
	secret shop.Secret
	base   *url.URL
	where  string // the base URL as errors show it, without credentials
	http   *http.Client
	retry  shop.Retrier
}

// New checks opts, fills its defaults and returns an adapter. secret is the
// secret API key (sk_…) of a Medusa admin; it may be empty for commands that do
// not talk to the shop.
func New(opts Options, secret shop.Secret) (*Adapter, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	base, _ := url.Parse(strings.TrimRight(opts.URL, "/")) // checked by withDefaults
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = pushWorkers + 2
	// Node closes a keep-alive connection after 5 s idle; a POST sent on one it
	// just closed fails with a reset (and Go does not resend a POST by itself).
	transport.IdleConnTimeout = 4 * time.Second
	a := &Adapter{
		opts:   opts,
		secret: secret,
		base:   base,
		where:  base.Redacted(),
		http:   &http.Client{Timeout: opts.Timeout, Transport: transport},
	}
	a.retry = opts.RetryOptions.Retrier(nil)
	return a, nil
}

// Options returns the adapter's settings, defaults filled in.
func (a *Adapter) Options() Options { return a.opts }

// String says where the shop is, without credentials.
func (a *Adapter) String() string {
	return "medusa " + a.where + " (sales channel " + a.opts.SalesChannel + ")"
}

// Traits: Medusa subtracts its reservations from the stocked quantity it receives.
func (a *Adapter) Traits() shop.Traits { return shop.Traits{Reserves: true, MaxBatch: a.opts.MaxBatch} }

// Ping checks that Medusa answers, accepts the key, and knows the sales channel
// and the stock location of the settings.
func (a *Adapter) Ping(ctx context.Context) error {
	if err := a.get(ctx, "/admin/sales-channels/"+url.PathEscape(a.opts.SalesChannel), url.Values{"fields": {"id"}}, nil); err != nil {
		return fmt.Errorf("ping %s: sales channel %s: %w", a.where, a.opts.SalesChannel, err)
	}
	if err := a.get(ctx, "/admin/stock-locations/"+url.PathEscape(a.opts.StockLocation), url.Values{"fields": {"id"}}, nil); err != nil {
		return fmt.Errorf("ping %s: stock location %s: %w", a.where, a.opts.StockLocation, err)
	}
	return nil
}

// StatusError is an answer of Medusa that is not a success.
type StatusError struct {
	Request string // "POST /admin/products/batch"
	Status  int
	Type    string // Medusa's error type, e.g. "invalid_data", "not_found"
	Message string // Medusa's explanation
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: answered %d %s", e.Request, e.Status, http.StatusText(e.Status))
	if e.Type != "" {
		s += " (" + e.Type + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// isStatus reports whether err is a StatusError with one of the statuses.
func isStatus(err error, statuses ...int) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	for _, s := range statuses {
		if se.Status == s {
			return true
		}
	}
	return false
}

// get sends a GET and decodes the answer into out (nil: not read).
func (a *Adapter) get(ctx context.Context, path string, query url.Values, out any) error {
	return a.call(ctx, http.MethodGet, path, query, nil, out)
}

// post sends a POST of in as JSON and decodes the answer into out (nil: not read).
func (a *Adapter) post(ctx context.Context, path string, query url.Values, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("POST %s: encode: %w", path, err)
	}
	return a.call(ctx, http.MethodPost, path, query, body, out)
}

// call sends a request to path and decodes a successful answer into out, retrying
// as shop.ShouldRetry says. Every request ecrin sends to Medusa sets absolute
// values, so sending one again is harmless.
func (a *Adapter) call(ctx context.Context, method, path string, query url.Values, body []byte, out any) error {
	u := *a.base
	u.Path += path
	u.RawPath = ""
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	request := method + " " + path
	resp, data, err := a.retry.Do(ctx, request, func(ctx context.Context) (*http.Response, []byte, error) {
		return a.once(ctx, method, &u, body)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", request, err)
	}
	if resp.StatusCode/100 != 2 {
		return statusError(request, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s: read answer (%d bytes): %w", request, len(data), err)
	}
	return nil
}

// once sends one attempt and reads the whole answer.
func (a *Adapter) once(ctx context.Context, method string, u *url.URL, body []byte) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, nil, err
	}
	// Medusa takes a secret API key as the user name of HTTP Basic auth.
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(string(a.secret)+":")))
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, nil, a.secret.Scrub(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp, data, nil
}

func statusError(request string, status int, body []byte) *StatusError {
	e := &StatusError{Request: request, Status: status}
	var b struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Type, e.Message = b.Type, b.Message
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	return e
}

// now is the adapter's clock for the orders window.
var now = time.Now
