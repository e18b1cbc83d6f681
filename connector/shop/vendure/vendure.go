// Package vendure is the shop kind for a Vendure server (vendure.io, 3.x): ecrin
// reads the catalog, sets stock on hand, prices, availability and publication, and
// reads the open orders through Vendure's Admin GraphQL API, logged in as an
// administrator. See README.md for the mapping and the settings.
package vendure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Kind is this shop kind's name in the configuration.
const Kind = "vendure"

func init() {
	shop.RegisterKind(Kind, func(o Options, env shop.Env) (*Adapter, error) { return New(o, env.Secret) },
		func(a *Adapter) *shop.Retrier { return &a.retry })
}

var _ shop.Shop = (*Adapter)(nil)

// maxAnswer bounds the size of an answer the adapter reads.
const maxAnswer = 64 << 20

// Adapter is one boutique's Vendure shop. It is safe for concurrent use.
type Adapter struct {
	opts     Options
	password shop.Secret
	endpoint string // the Admin API's URL, with languageCode
	where    string // where, for errors: the Admin API's URL without credentials
	http     *http.Client
	retry    shop.Retrier

	mu       sync.Mutex
	token    string // the session's bearer token; empty before login
	location string // the stock location's id, once resolved
	managed  string // the managed facet value's id, once resolved
}

// New checks o and returns an adapter; it sends nothing until it is used.
func New(o Options, password shop.Secret) (*Adapter, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, errors.New("shop.secret is required: the Vendure administrator's password")
	}
	u, _ := url.Parse(strings.TrimRight(o.URL, "/") + "/" + strings.Trim(o.AdminAPIPath, "/"))
	where := u.Redacted()
	if o.Language != "" {
		q := u.Query()
		q.Set("languageCode", o.Language)
		u.RawQuery = q.Encode()
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 4
	return &Adapter{
		opts:     o,
		password: password,
		endpoint: u.String(),
		where:    where,
		http:     &http.Client{Timeout: o.Timeout, Transport: transport},
		retry:    o.RetryOptions.Retrier(nil),
	}, nil
}

// String says where the shop is, without any secret.
func (a *Adapter) String() string { return fmt.Sprintf("vendure %s as %s", a.where, a.opts.Username) }

// Traits: Vendure allocates the stock of its open orders and subtracts it from
// stockOnHand itself.
func (a *Adapter) Traits() shop.Traits { return shop.Traits{Reserves: true, MaxBatch: a.opts.MaxBatch} }

// Ping logs in and reads who ecrin is and on which channel.
func (a *Adapter) Ping(ctx context.Context) error {
	var out struct {
		Me            *struct{ Identifier string } `json:"me"`
		ActiveChannel struct{ Code string }        `json:"activeChannel"`
	}
	if err := a.gql(ctx, "Ping", `query Ping { me { identifier } activeChannel { code } }`, nil, &out); err != nil {
		return fmt.Errorf("ping %s: %w", a, err)
	}
	if out.Me == nil {
		return fmt.Errorf("ping %s: not logged in after login", a)
	}
	// What a run needs beside the session: the managed facet value, the stock location.
	if _, err := a.managedFacetValue(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", a, err)
	}
	if _, err := a.stockLocation(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", a, err)
	}
	return nil
}

// gqlError is one error of a GraphQL answer.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// gqlErrors are the errors of a GraphQL answer: the request reached Vendure,
// which refused it (as opposed to a transport error).
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

// gql sends one GraphQL operation named op and decodes its data into out. It logs
// in first when there is no session, and again once when Vendure answers
// FORBIDDEN (an expired or revoked session).
func (a *Adapter) gql(ctx context.Context, op, query string, vars map[string]any, out any) error {
	a.mu.Lock()
	token := a.token
	a.mu.Unlock()
	fresh := false
	if token == "" {
		var err error
		if token, err = a.login(ctx); err != nil {
			return err
		}
		fresh = true
	}
	data, _, err := a.send(ctx, op, query, vars, token)
	var ge gqlErrors
	if errors.As(err, &ge) && ge.has("FORBIDDEN") && !fresh {
		if token, err = a.login(ctx); err != nil {
			return err
		}
		data, _, err = a.send(ctx, op, query, vars, token)
	}
	if err != nil {
		if errors.As(err, &ge) {
			if ge.has("FORBIDDEN") {
				return fmt.Errorf("%s at %s as %s: %w (the administrator's role needs ReadCatalog, UpdateCatalog, ReadOrder and ReadStockLocation on this channel)",
					op, a.where, a.opts.Username, err)
			}
			return fmt.Errorf("%s at %s: %w", op, a.where, err)
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

// login opens a session as the administrator and keeps its bearer token.
func (a *Adapter) login(ctx context.Context) (string, error) {
	var out struct {
		Login struct {
			Typename  string `json:"__typename"`
			ErrorCode string `json:"errorCode"`
			Message   string `json:"message"`
		} `json:"login"`
	}
	data, hdr, err := a.send(ctx, "Login",
		`mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { __typename ... on ErrorResult { errorCode message } } }`,
		map[string]any{"u": a.opts.Username, "p": string(a.password)}, "")
	if err == nil {
		err = json.Unmarshal(data, &out)
	}
	if err != nil {
		return "", fmt.Errorf("log in to %s as %s: %w", a.where, a.opts.Username, err)
	}
	if out.Login.Typename != "CurrentUser" {
		return "", fmt.Errorf("log in to %s as %s: refused: %s %s", a.where, a.opts.Username, out.Login.ErrorCode, out.Login.Message)
	}
	token := hdr.Get(a.opts.AuthTokenHeader)
	if token == "" {
		return "", fmt.Errorf("log in to %s as %s: no %s header in the answer: the server must allow bearer tokens (authOptions.tokenMethod) and name its header auth_token_header",
			a.where, a.opts.Username, a.opts.AuthTokenHeader)
	}
	a.mu.Lock()
	a.token = token
	a.mu.Unlock()
	return token, nil
}

// send posts one operation (with the retry discipline) and returns its data, the
// answer's headers, and its GraphQL errors as gqlErrors.
func (a *Adapter) send(ctx context.Context, op, query string, vars map[string]any, token string) (json.RawMessage, http.Header, error) {
	body, err := json.Marshal(map[string]any{"operationName": op, "query": query, "variables": vars})
	if err != nil {
		return nil, nil, fmt.Errorf("%s at %s: %w", op, a.where, err)
	}
	resp, answer, err := a.retry.Do(ctx, "POST "+op, func(ctx context.Context) (*http.Response, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint, bytes.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if a.opts.ChannelToken != "" {
			req.Header.Set("vendure-token", a.opts.ChannelToken)
		}
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
		Data   json.RawMessage `json:"data"`
		Errors gqlErrors       `json:"errors"`
	}
	jerr := json.Unmarshal(answer, &env)
	switch {
	case resp.StatusCode/100 != 2 && (jerr != nil || len(env.Errors) == 0):
		return nil, nil, fmt.Errorf("%s at %s: answered %d %s: %s", op, a.where, resp.StatusCode, http.StatusText(resp.StatusCode), snippet(answer))
	case jerr != nil:
		return nil, nil, fmt.Errorf("%s at %s: unreadable answer (%v): %s", op, a.where, jerr, snippet(answer))
	case len(env.Errors) > 0:
		return env.Data, resp.Header, env.Errors
	case len(env.Data) == 0 || string(env.Data) == "null":
		return nil, nil, fmt.Errorf("%s at %s: answer without data", op, a.where)
	}
	return env.Data, resp.Header, nil
}

// snippet is the start of an answer, for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
