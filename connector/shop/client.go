package shop

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
)

// maxAnswer bounds the size of an answer the client reads.
const maxAnswer = 64 << 20

// Client talks to one boutique's web shop. It is safe for concurrent use.
type Client struct {
	cfg   Config
	base  *url.URL // cfg.URL, without a trailing slash
	where string   // the base URL as errors show it, without credentials
	http  *http.Client
	now   func() time.Time

	// OnRetry, when set (before the client is used), is called before each retry with
	// the request ("POST /v1/stock/batches"), the retry number from 1, the wait and
	// what failed; for the log. It never sees the secret.
	OnRetry func(request string, retry int, wait time.Duration, cause error)
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
	return &Client{
		cfg:   cfg,
		base:  base,
		where: base.Redacted(),
		http:  &http.Client{Timeout: cfg.Timeout, Transport: transport},
		now:   time.Now,
	}, nil
}

// Config returns the client's configuration, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

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
// answer, retrying as shouldRetry says with a fresh signature each time.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body []byte, header http.Header) (*answer, error) {
	u := *c.base
	u.Path += path
	u.RawPath = ""
	if len(query) > 0 {
		u.RawQuery = query.Encode()
	}
	for attempt := 0; ; attempt++ {
		resp, data, err := c.once(ctx, method, &u, body, header)
		retry, wait := shouldRetry(ctx, resp, err, c.now())
		if !retry || attempt >= c.cfg.MaxRetries {
			if err == nil && resp.StatusCode/100 != 2 {
				err = statusError(resp.StatusCode, data)
			}
			if err != nil {
				if attempt > 0 {
					err = fmt.Errorf("%d attempts: %w", attempt+1, err)
				}
				return nil, err
			}
			return &answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
		}
		if wait == 0 {
			wait = backoff(attempt, c.cfg.BackoffBase, c.cfg.BackoffMax)
		}
		if c.OnRetry != nil {
			cause := err
			if cause == nil {
				cause = statusError(resp.StatusCode, data)
			}
			c.OnRetry(method+" "+path, attempt+1, wait, cause)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
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
