package ecrin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Kind is this shop kind's name in the configuration.
const Kind = "ecrin"

func init() { shop.RegisterKind(Kind, build, func(c *Client) *shop.Retrier { return &c.retry }) }

var (
	_ shop.Shop          = (*Client)(nil)
	_ shop.Uploader      = (*Client)(nil)
	_ shop.CatalogDeltas = (*Client)(nil)
)

// build is the client of a `shop:` block: the boutique and secret are the site's.
// A wrong setting is said at the block's line (by shop.OpenKind).
func build(cfg Config, env shop.Env) (*Client, error) {
	cfg.Boutique, cfg.Secret = env.Boutique, env.Secret
	if _, err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	return New(cfg)
}

// maxAnswer bounds the size of an answer the client reads.
const maxAnswer = 64 << 20

// Client talks to one boutique's web shop over the ecrin protocol. It is safe for
// concurrent use.
type Client struct {
	cfg   Config
	base  *url.URL // cfg.URL, without a trailing slash
	where string   // the base URL as errors show it, without credentials
	http  *http.Client
	now   func() time.Time
	retry shop.Retrier
}

// New checks cfg, fills its defaults and returns a client.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("new shop client: %w", err)
	}
	base, _ := url.Parse(strings.TrimRight(cfg.URL, "/")) // parsed by withDefaults
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 4
	c := &Client{
		cfg:   cfg,
		base:  base,
		where: base.Redacted(),
		http:  &http.Client{Timeout: cfg.Timeout, Transport: transport},
		now:   time.Now,
	}
	c.retry = cfg.RetryOptions.Retrier(nil)
	c.retry.Now = func() time.Time { return c.now() }
	return c, nil
}

// Config returns the client's configuration, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// String says where the shop is, without credentials.
func (c *Client) String() string { return "ecrin " + c.where }

// Traits: the protocol keeps the shop's open orders reserved (docs/shop-protocol.md).
func (c *Client) Traits() shop.Traits { return shop.Traits{Reserves: true, MaxBatch: MaxBatchItems} }

// OnRetry sets the function called before each retry (for the log).
func (c *Client) OnRetry(f func(request string, retry int, wait time.Duration, cause error)) {
	c.retry.OnRetry = f
}

// StatusError is an answer of the shop that is not a success.
type StatusError struct {
	Status  int    // the HTTP status
	Code    string // the protocol's error code, e.g. "bad_signature"; may be empty
	Message string // the shop's explanation, for a human
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("shop answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// answer is a successful answer, body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// call sends a signed request to path (below /v1) and returns the first successful
// answer, retrying as shop.ShouldRetry says with a fresh signature each time.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body []byte, header http.Header) (*answer, error) {
	u := *c.base
	u.Path += path
	u.RawPath = ""
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	resp, data, err := c.retry.Do(ctx, method+" "+path, func(ctx context.Context) (*http.Response, []byte, error) {
		return c.once(ctx, method, &u, body, header)
	})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, statusError(resp.StatusCode, data)
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// once sends one attempt and reads the whole answer. An answer cut short is an
// error, as if the connection had failed.
func (c *Client) once(ctx context.Context, method string, u *url.URL, body []byte, header http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	ts := strconv.FormatInt(c.now().Unix(), 10)
	req.Header.Set(headerBoutique, c.cfg.Boutique)
	req.Header.Set(headerTimestamp, ts)
	req.Header.Set(headerSignature, sign(c.cfg.Secret, ts, method, req.URL.RequestURI(), body))
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp, data, nil
}

// Unwrap maps the protocol's refusals the run reacts to onto the shop package's
// errors: a key reused with another body, a batch too large.
func (e *StatusError) Unwrap() error {
	switch {
	case e.Status == http.StatusUnprocessableEntity && e.Code == "idempotency_key_reused":
		return shop.ErrKeyReused
	case e.Status == http.StatusRequestEntityTooLarge:
		return shop.ErrTooLarge
	case e.Status == http.StatusGone && e.Code == "cursor_expired":
		return shop.ErrCursorExpired
	}
	return nil
}

func statusError(status int, body []byte) *StatusError {
	e := &StatusError{Status: status}
	var b struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.Message = b.Error, b.Message
	}
	return e
}
