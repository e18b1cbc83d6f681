package shop

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"syscall"
	"testing"
	"time"
)

func TestShouldRetry(t *testing.T) {
	now := time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)
	resp := func(code int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		resp  *http.Response
		err   error
		retry bool
		wait  time.Duration
	}{
		{"200", nil, resp(200, ""), nil, false, 0},
		{"400", nil, resp(400, ""), nil, false, 0},
		{"401", nil, resp(401, ""), nil, false, 0},
		{"404", nil, resp(404, ""), nil, false, 0},
		{"422", nil, resp(422, ""), nil, false, 0},
		{"429", nil, resp(429, ""), nil, true, 0},
		{"429 retry after 7", nil, resp(429, "7"), nil, true, 7 * time.Second},
		{"503 retry after a date", nil, resp(503, now.Add(90*time.Second).Format(http.TimeFormat)), nil, true, 90 * time.Second},
		{"503 retry after a day", nil, resp(503, "86400"), nil, true, MaxRetryAfter},
		{"503 retry after garbage", nil, resp(503, "soon"), nil, true, 0},
		{"500", nil, resp(500, ""), nil, true, 0},
		{"502", nil, resp(502, ""), nil, true, 0},
		{"504", nil, resp(504, ""), nil, true, 0},
		{"501", nil, resp(501, ""), nil, false, 0},
		{"connection refused", nil, nil, syscall.ECONNREFUSED, true, 0},
		{"timeout", nil, nil, context.DeadlineExceeded, true, 0},
		{"bad certificate", nil, nil, &tls.CertificateVerificationError{Err: errors.New("unknown authority")}, false, 0},
		{"caller gave up", canceled, nil, context.Canceled, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			retry, wait := ShouldRetry(ctx, tt.resp, tt.err, now)
			if retry != tt.retry || wait != tt.wait {
				t.Errorf("got %v %v, want %v %v", retry, wait, tt.retry, tt.wait)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	base, limit := 100*time.Millisecond, 3*time.Second
	tests := []struct {
		attempt int
		full    time.Duration // the wait before jitter
	}{
		{0, 100 * time.Millisecond},
		{1, 200 * time.Millisecond},
		{4, 1600 * time.Millisecond},
		{5, 3 * time.Second},
		{63, 3 * time.Second},
		{1000, 3 * time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			d := Backoff(tt.attempt, base, limit)
			if d < tt.full/2 || d > tt.full {
				t.Fatalf("attempt %d: %v, want %v to %v", tt.attempt, d, tt.full/2, tt.full)
			}
		}
	}
}
