package shop

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRetrierBoundsTheTotalWait: a shop that keeps answering 429 with a long
// Retry-After cannot hold a run for long: each retry is reported, and the request
// gives up with a clear error once the waits would pass MaxTotalWait.
func TestRetrierBoundsTheTotalWait(t *testing.T) {
	var retries []time.Duration
	r := Retrier{MaxRetries: 100, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond, MaxTotalWait: 25 * time.Millisecond,
		OnRetry: func(request string, retry int, wait time.Duration, cause error) {
			if request != "GET /v1/catalog" || retry != len(retries)+1 || !strings.Contains(cause.Error(), "503") {
				t.Errorf("OnRetry(%q, %d, %v, %v)", request, retry, wait, cause)
			}
			retries = append(retries, wait)
		}}
	calls := 0
	_, _, err := r.Do(context.Background(), "GET /v1/catalog", func(context.Context) (*http.Response, []byte, error) {
		calls++
		h := http.Header{}
		if calls > 3 {
			h.Set("Retry-After", "3600") // an hour, shortened to MaxRetryAfter: past the bound
		}
		return &http.Response{StatusCode: 503, Header: h}, nil, nil
	})
	if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") || !strings.Contains(err.Error(), "limit 25ms") {
		t.Fatalf("error %v", err)
	}
	if len(retries) != 3 {
		t.Errorf("%d retries reported, want 3", len(retries))
	}
}

func TestRetrierReturnsTheFirstAnswerNotRetried(t *testing.T) {
	r := Retrier{MaxRetries: 3, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond}
	for _, tt := range []struct {
		codes []int
		want  int
		calls int
	}{
		{[]int{200}, 200, 1},
		{[]int{503, 200}, 200, 2},
		{[]int{429, 429, 404}, 404, 3},
		{[]int{500, 500, 500, 500, 500}, 500, 4},
	} {
		calls := 0
		resp, _, err := r.Do(context.Background(), "POST /x", func(context.Context) (*http.Response, []byte, error) {
			calls++
			return &http.Response{StatusCode: tt.codes[calls-1], Header: http.Header{}}, nil, nil
		})
		if err != nil || resp.StatusCode != tt.want || calls != tt.calls {
			t.Errorf("%v: status %v after %d calls, %v; want %d after %d", tt.codes, resp, calls, err, tt.want, tt.calls)
		}
	}
}
