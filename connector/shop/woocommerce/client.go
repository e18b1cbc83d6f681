// Package woocommerce is the shop kind of a boutique whose web shop runs on
// WooCommerce: through the REST API v3 (/wp-json/wc/v3) it reads the products
// ecrin manages and their size variations, pushes stock, backorders, prices and
// publication in products/batch and products/<id>/variations/batch requests, and
// reads the open orders (WooCommerce keeps no reservation: it takes stock when an
// order is placed, and the run subtracts the orders not yet in the till). See
// README.md for the mapping and the settings; wcdouble is its contract double.
package woocommerce

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Kind is the name of the kind in the configuration (shop.kind).
const Kind = "woocommerce"

func init() {
	shop.RegisterKind(Kind, func(o Options, env shop.Env) (*Adapter, error) { return New(o, env.Secret) },
		func(a *Adapter) *shop.Retrier { return &a.retry })
}

var _ shop.Shop = (*Adapter)(nil)

// maxAnswer bounds the size of an answer the adapter reads.
const maxAnswer = 256 << 20

// Adapter is one boutique's WooCommerce shop. It is safe for use by one run at a time.
type Adapter struct {
	opts   Options
	secret shop.Secret
	base   *url.URL // the API's base, …/wp-json/wc/v3
	where  string   // the site's URL as errors show it
	http   *http.Client
	retry  shop.Retrier
	types  map[string]string // product id → simple or variable, learned from the catalog
}

// New checks opts, fills its defaults and returns an adapter. secret is the
// consumer secret of the REST API key; it may be empty for commands that do not
// talk to the shop.
func New(opts Options, secret shop.Secret) (*Adapter, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	site, _ := url.Parse(strings.TrimRight(opts.URL, "/")) // checked by withDefaults
	base := *site
	base.Path += APIPath
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("shop.ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("shop.ca_file %s: no PEM certificate in it", opts.CAFile)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	a := &Adapter{
		opts:   opts,
		secret: secret,
		base:   &base,
		where:  site.Redacted(),
		http:   &http.Client{Timeout: opts.Timeout, Transport: transport},
		types:  map[string]string{},
	}
	a.retry = opts.RetryOptions.Retrier(nil)
	return a, nil
}

// Options returns the adapter's settings, defaults filled in.
func (a *Adapter) Options() Options { return a.opts }

// String says where the shop is, without credentials.
func (a *Adapter) String() string { return "woocommerce " + a.where }

// Traits: WooCommerce keeps no reservation of its own (it takes the stock of an
// order when the order is placed): the run subtracts the open orders.
func (a *Adapter) Traits() shop.Traits {
	return shop.Traits{Reserves: false, MaxBatch: a.opts.MaxBatch}
}

// StatusError is an answer of WooCommerce that is not a success.
type StatusError struct {
	Request string // "POST /products/batch"
	Status  int
	Code    string // WooCommerce's error code, e.g. woocommerce_rest_authentication_error
	Message string // WooCommerce's explanation
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: answered %d %s", e.Request, e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Unwrap makes a 413 batch limit answer a shop.ErrTooLarge.
func (e *StatusError) Unwrap() error {
	if e.Status == http.StatusRequestEntityTooLarge || e.Code == "woocommerce_rest_request_entity_too_large" {
		return shop.ErrTooLarge
	}
	return nil
}

// get sends a GET and decodes the answer into out; it returns the answer's headers.
func (a *Adapter) get(ctx context.Context, path string, query url.Values, out any) (http.Header, error) {
	return a.call(ctx, http.MethodGet, path, query, nil, out)
}

// post sends a POST of in as JSON and decodes the answer into out (nil: not read).
func (a *Adapter) post(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("POST %s: encode: %w", path, err)
	}
	_, err = a.call(ctx, http.MethodPost, path, nil, body, out)
	return err
}

// call sends a request to path (below /wp-json/wc/v3) and decodes a successful
// answer into out, retrying as shop.ShouldRetry says. Every write ecrin sends
// sets absolute values, so sending one again is harmless.
func (a *Adapter) call(ctx context.Context, method, path string, query url.Values, body []byte, out any) (http.Header, error) {
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
		return nil, fmt.Errorf("%s: %w", request, a.secret.Scrub(err))
	}
	if resp.StatusCode/100 != 2 {
		return nil, statusError(request, resp.StatusCode, data)
	}
	if out == nil {
		return resp.Header, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return nil, fmt.Errorf("%s: read answer (%d bytes): %w", request, len(data), err)
	}
	return resp.Header, nil
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
	// WooCommerce takes the consumer key and secret in HTTP Basic auth over HTTPS.
	req.SetBasicAuth(a.opts.ConsumerKey, string(a.secret))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "ecrin")
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
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.Message = b.Code, b.Message
	}
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	return e
}
