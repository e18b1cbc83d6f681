package shop

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ShouldRetry reports whether a request that got resp or err is worth sending again,
// and how long the shop asked to wait (0 when it did not say). Retried: 429, 5xx
// but 501 and 505, timeouts and connection errors. Not retried: any other answer,
// a certificate the client refuses, or the caller's context ending.
func ShouldRetry(ctx context.Context, resp *http.Response, err error, now time.Time) (bool, time.Duration) {
	if ctx.Err() != nil {
		return false, 0
	}
	if err != nil {
		var certErr *tls.CertificateVerificationError
		return !errors.As(err, &certErr), 0
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests,
		code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported:
		return true, RetryAfter(resp.Header.Get("Retry-After"), now)
	}
	return false, 0
}

// RetryAfter parses a Retry-After value, seconds or an HTTP date, capped at
// MaxRetryAfter; 0 when absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		d = time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), MaxRetryAfter)
}

// Backoff is the wait before retry number attempt (0 for the first retry): base
// doubled each time up to max, then jittered to between half and all of it.
func Backoff(attempt int, base, limit time.Duration) time.Duration {
	d := limit
	if attempt < 30 && base<<attempt < limit && base<<attempt > 0 {
		d = base << attempt
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Retry defaults, shared by the HTTP kinds.
const (
	DefaultMaxRetries   = 8
	DefaultBackoffBase  = time.Second
	DefaultBackoffMax   = time.Minute
	DefaultMaxTotalWait = 10 * time.Minute
	MaxRetryAfter       = 5 * time.Minute // a longer Retry-After is shortened to this
)

// RetryOptions are the retry settings of every HTTP shop kind, embedded in its
// options (yaml inline): max_retries, backoff_base, backoff_max, max_total_wait.
type RetryOptions struct {
	// MaxRetries is how many times a failed request is retried (default 8;
	// negative: never).
	MaxRetries int `yaml:"max_retries"`
	// BackoffBase is the wait before the first retry, doubled at each retry up to
	// BackoffMax, with jitter (defaults 1s and 1m). A Retry-After answer overrides it.
	BackoffBase time.Duration `yaml:"backoff_base"`
	BackoffMax  time.Duration `yaml:"backoff_max"`
	// MaxTotalWait bounds the waits of one request across its retries (default 10m).
	MaxTotalWait time.Duration `yaml:"max_total_wait"`
}

// WithDefaults returns o with its zero fields set to the defaults.
func (o RetryOptions) WithDefaults() RetryOptions {
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.BackoffBase == 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = max(DefaultBackoffMax, o.BackoffBase)
	}
	if o.MaxTotalWait == 0 {
		o.MaxTotalWait = DefaultMaxTotalWait
	}
	return o
}

// Check refuses negative waits and a backoff_max below backoff_base.
func (o RetryOptions) Check() error {
	if o.BackoffBase < 0 || o.BackoffMax < o.BackoffBase || o.MaxTotalWait < 0 {
		return errors.New("shop backoff_base, backoff_max and max_total_wait must be positive, backoff_max at least backoff_base")
	}
	return nil
}

// Retrier is the retry discipline of these options.
func (o RetryOptions) Retrier(onRetry func(request string, retry int, wait time.Duration, cause error)) Retrier {
	return Retrier{MaxRetries: o.MaxRetries, BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax,
		MaxTotalWait: o.MaxTotalWait, OnRetry: onRetry}
}

// Retrier is the retry discipline of one shop's requests: which failures are
// retried (ShouldRetry), how long to wait, and how long a request may wait in all.
type Retrier struct {
	MaxRetries   int           // retries after the first attempt; 0: none
	BackoffBase  time.Duration // the wait before the first retry, doubled each time
	BackoffMax   time.Duration // the longest wait between two attempts
	MaxTotalWait time.Duration // the most one request waits across its retries; 0: DefaultMaxTotalWait
	// OnRetry, when set, is called before each wait (see Env.OnRetry).
	OnRetry func(request string, retry int, wait time.Duration, cause error)
	Now     func() time.Time // the clock; default time.Now
}

// Attempt sends a request once and reads its whole answer; err is a transport
// error (the answer may be any status).
type Attempt func(ctx context.Context) (resp *http.Response, body []byte, err error)

// Do runs attempt until it gets an answer that ShouldRetry does not retry, the
// retries are spent, or the waits would exceed MaxTotalWait. It returns the last
// answer and error; a non-2xx answer is returned as it is, for the caller to read.
// request names the request in OnRetry and errors ("POST /v1/stock/batches").
func (r Retrier) Do(ctx context.Context, request string, attempt Attempt) (*http.Response, []byte, error) {
	now := r.Now
	if now == nil {
		now = time.Now
	}
	limit := r.MaxTotalWait
	if limit <= 0 {
		limit = DefaultMaxTotalWait
	}
	var waited time.Duration
	for n := 0; ; n++ {
		resp, body, err := attempt(ctx)
		retry, wait := ShouldRetry(ctx, resp, err, now())
		if !retry || n >= r.MaxRetries {
			if n > 0 && err != nil {
				err = fmt.Errorf("%d attempts: %w", n+1, err)
			}
			return resp, body, err
		}
		if wait == 0 {
			wait = Backoff(n, r.BackoffBase, r.BackoffMax)
		}
		cause := err
		if cause == nil {
			cause = fmt.Errorf("answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		}
		if waited+wait > limit {
			return nil, nil, fmt.Errorf("%s: gave up after %d attempts and %s of waiting (limit %s): %w",
				request, n+1, waited.Round(time.Second), limit, cause)
		}
		if r.OnRetry != nil {
			r.OnRetry(request, n+1, wait, cause)
		}
		if err := Sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
		waited += wait
	}
}
