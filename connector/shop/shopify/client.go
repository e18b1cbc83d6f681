package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// maxAnswer bounds the size of an answer the adapter reads.
const maxAnswer = 64 << 20

// gqlError is one top-level error of a GraphQL answer.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// gqlErrors are the top-level errors of an answer: Shopify refused the operation.
type gqlErrors []gqlError

func (e gqlErrors) Error() string {
	msgs := make([]string, 0, len(e))
	for _, x := range e {
		m := x.Message
		if x.Extensions.Code != "" && !strings.Contains(m, x.Extensions.Code) {
			m = x.Extensions.Code + ": " + m
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "; ")
}

func (e gqlErrors) has(code string) bool {
	for _, x := range e {
		if x.Extensions.Code == code {
			return true
		}
	}
	return false
}

// cost is the extensions.cost of an answer.
type cost struct {
	RequestedQueryCost float64 `json:"requestedQueryCost"`
	ActualQueryCost    float64 `json:"actualQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// bucket is what the adapter knows of its query cost bucket: the last
// throttleStatus and when it was read, and the requested cost of each operation.
type bucket struct {
	known     bool
	available float64
	maximum   float64
	rate      float64
	at        time.Time
	costs     map[string]float64
}

// wait is how long to wait before an operation that requests need points, given
// the last throttleStatus (0 when the bucket holds enough, or nothing is known).
func (b *bucket) wait(need float64, now time.Time) time.Duration {
	if !b.known || b.rate <= 0 {
		return 0
	}
	need = min(need, b.maximum)
	have := min(b.available+b.rate*now.Sub(b.at).Seconds(), b.maximum)
	if have >= need {
		return 0
	}
	return time.Duration((need - have) / b.rate * float64(time.Second))
}

// defaultCost is the requested cost assumed for an operation not sent yet.
const defaultCost = 50

// gql sends one operation named op and decodes its data into out. It waits for
// the cost bucket before sending, retries a THROTTLED answer after the wait the
// throttle status says (within max_retries and max_total_wait), and 429 and 5xx
// through shop.Retrier.
func (a *Adapter) gql(ctx context.Context, op, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"operationName": op, "query": query, "variables": vars})
	if err != nil {
		return fmt.Errorf("%s at %s: %w", op, a.where, err)
	}
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		a.mu.Lock()
		need, ok := a.bucket.costs[op]
		if !ok {
			need = defaultCost
		}
		w := a.bucket.wait(need, a.now())
		a.mu.Unlock()
		if w > 0 {
			if waited+w > a.opts.MaxTotalWait {
				return fmt.Errorf("%s at %s: the query cost bucket would need %s more of waiting (max_total_wait %s)", op, a.where, w.Round(time.Millisecond), a.opts.MaxTotalWait)
			}
			if err := shop.Sleep(ctx, w); err != nil {
				return err
			}
			waited += w
		}
		data, c, err := a.send(ctx, op, body)
		if c != nil {
			a.mu.Lock()
			a.bucket.known = c.ThrottleStatus.RestoreRate > 0
			a.bucket.available = c.ThrottleStatus.CurrentlyAvailable
			a.bucket.maximum = c.ThrottleStatus.MaximumAvailable
			a.bucket.rate = c.ThrottleStatus.RestoreRate
			a.bucket.at = a.now()
			if c.RequestedQueryCost > 0 {
				a.bucket.costs[op] = c.RequestedQueryCost
			}
			a.mu.Unlock()
		}
		var ge gqlErrors
		if errors.As(err, &ge) && ge.has("THROTTLED") {
			if attempt >= a.opts.MaxRetries {
				return fmt.Errorf("%s at %s: still throttled after %d attempts: %w", op, a.where, attempt+1, err)
			}
			a.mu.Lock()
			if c, ok := a.bucket.costs[op]; ok {
				need = c // what Shopify said this query requests
			}
			w := a.bucket.wait(max(need, 1), a.now())
			a.mu.Unlock()
			if w <= 0 {
				w = shop.Backoff(attempt, a.opts.BackoffBase, a.opts.BackoffMax)
			}
			if waited+w > a.opts.MaxTotalWait {
				return fmt.Errorf("%s at %s: throttled, and waiting %s more would pass max_total_wait %s: %w", op, a.where, w.Round(time.Millisecond), a.opts.MaxTotalWait, err)
			}
			if a.retry.OnRetry != nil {
				a.retry.OnRetry("POST "+op, attempt+1, w, err)
			}
			if err := shop.Sleep(ctx, w); err != nil {
				return err
			}
			waited += w
			continue
		}
		if err != nil {
			if errors.As(err, &ge) && ge.has("ACCESS_DENIED") {
				return fmt.Errorf("%s at %s: %w (the custom app's access token lacks a scope: ecrin needs %s)", op, a.where, err, strings.Join(RequiredScopes, ", "))
			}
			return err
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("%s at %s: unreadable data: %w", op, a.where, err)
			}
		}
		return nil
	}
}

// send posts one operation (with the retry discipline) and returns its data, its
// cost, and its top-level errors as gqlErrors.
func (a *Adapter) send(ctx context.Context, op string, body []byte) (json.RawMessage, *cost, error) {
	resp, answer, err := a.retry.Do(ctx, "POST "+op, func(ctx context.Context) (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint, bytes.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-Shopify-Access-Token", string(a.token))
		resp, err := a.http.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
		if err == nil && len(b) > maxAnswer {
			err = fmt.Errorf("answer larger than %d MB", maxAnswer>>20)
		}
		return resp, b, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s at %s: %w", op, a.where, err)
	}
	var env struct {
		Data       json.RawMessage `json:"data"`
		Errors     json.RawMessage `json:"errors"`
		Extensions struct {
			Cost *cost `json:"cost"`
		} `json:"extensions"`
	}
	jerr := json.Unmarshal(answer, &env)
	var errs gqlErrors
	if jerr == nil && len(env.Errors) > 0 && string(env.Errors) != "null" {
		if json.Unmarshal(env.Errors, &errs) != nil {
			// Shopify answers some refusals with "errors" as one string (a 401's
			// "[API] Invalid API key or access token …").
			var s string
			if json.Unmarshal(env.Errors, &s) == nil {
				errs = gqlErrors{{Message: s}}
			} else {
				errs = gqlErrors{{Message: snippet(env.Errors)}}
			}
		}
	}
	c := env.Extensions.Cost
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, nil, fmt.Errorf("%s at %s: Shopify refused the access token (401 %s): shop.secret must be the Admin API access token of the shop's custom app", op, a.where, snippet(answer))
	case resp.StatusCode == http.StatusForbidden:
		return nil, nil, fmt.Errorf("%s at %s: Shopify forbade the request (403 %s): the custom app's access scopes must include %s", op, a.where, snippet(answer), strings.Join(RequiredScopes, ", "))
	case resp.StatusCode/100 != 2 && len(errs) == 0:
		return nil, nil, fmt.Errorf("%s at %s: answered %d %s: %s", op, a.where, resp.StatusCode, http.StatusText(resp.StatusCode), snippet(answer))
	case jerr != nil:
		return nil, nil, fmt.Errorf("%s at %s: unreadable answer (%v): %s", op, a.where, jerr, snippet(answer))
	case len(errs) > 0:
		return env.Data, c, fmt.Errorf("%s at %s: %w", op, a.where, errs)
	case len(env.Data) == 0 || string(env.Data) == "null":
		return nil, c, fmt.Errorf("%s at %s: answer without data", op, a.where)
	}
	return env.Data, c, nil
}

// snippet is the start of an answer, for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// userError is one userErrors entry of a mutation's payload.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

func (u userError) String() string {
	s := u.Message
	if u.Code != "" {
		s = u.Code + ": " + s
	}
	if len(u.Field) > 0 {
		s += " (" + strings.Join(u.Field, ".") + ")"
	}
	return s
}

// index is the position in the input list named by the error's field path after
// list ("quantities", "variants"); -1 when it names none.
func (u userError) index(list string) int {
	for i, f := range u.Field {
		if f == list && i+1 < len(u.Field) {
			n := 0
			for _, r := range u.Field[i+1] {
				if r < '0' || r > '9' || n > 1<<20 {
					return -1
				}
				n = n*10 + int(r-'0')
			}
			if u.Field[i+1] == "" {
				return -1
			}
			return n
		}
	}
	return -1
}
