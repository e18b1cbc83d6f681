package shop

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// shouldRetry reports whether a request that got resp or err is worth sending again,
// and how long the shop asked to wait (0 when it did not say). Retried: 429, 5xx
// but 501 and 505, timeouts and connection errors. Not retried: any other answer,
// a certificate the client refuses, or the caller's context ending.
func shouldRetry(ctx context.Context, resp *http.Response, err error, now time.Time) (bool, time.Duration) {
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
		return true, retryAfter(resp.Header.Get("Retry-After"), now)
	}
	return false, 0
}

// retryAfter parses a Retry-After value, seconds or an HTTP date, capped at
// MaxRetryAfter; 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
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

// backoff is the wait before retry number attempt (0 for the first retry): base
// doubled each time up to max, then jittered to between half and all of it.
func backoff(attempt int, base, limit time.Duration) time.Duration {
	d := limit
	if attempt < 30 && base<<attempt < limit && base<<attempt > 0 {
		d = base << attempt
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
