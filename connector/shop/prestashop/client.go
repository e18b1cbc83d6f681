package prestashop

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxAnswer bounds the size of an answer the adapter reads: the shop's answers
// are untrusted.
const maxAnswer = 64 << 20

// StatusError is an answer of PrestaShop that is not a success.
type StatusError struct {
	Request string // "PUT /api/stock_availables/12"
	Status  int
	Message string // PrestaShop's explanation, when it gave one
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: answered %d %s", e.Request, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// statusOf returns the status of a StatusError, 0 for any other error.
func statusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// getJSON sends GET /api/<path> with output_format=JSON and the shop's settings,
// and decodes the answer with decode.
func (a *Adapter) getJSON(ctx context.Context, path string, query url.Values, decode func([]byte) error) error {
	if query == nil {
		query = url.Values{}
	}
	query.Set("output_format", "JSON")
	data, err := a.call(ctx, http.MethodGet, path, query, nil)
	if err != nil {
		return err
	}
	if err := decode(data); err != nil {
		return fmt.Errorf("GET /api/%s: read answer (%d bytes): %w", path, len(data), err)
	}
	return nil
}

// call sends a request to /api/<path> and returns a successful answer's body,
// retrying as shop.ShouldRetry says. Every write ecrin sends sets absolute
// values, so sending one again is harmless.
func (a *Adapter) call(ctx context.Context, method, path string, query url.Values, body []byte) ([]byte, error) {
	u := *a.base
	u.Path += "/api/" + path
	u.RawPath = ""
	if query == nil {
		query = url.Values{}
	}
	if a.opts.Shop > 0 {
		query.Set("id_shop", strconv.Itoa(a.opts.Shop))
	}
	u.RawQuery = query.Encode()
	request := method + " /api/" + path
	resp, data, err := a.retry.Do(ctx, request, func(ctx context.Context) (*http.Response, []byte, error) {
		return a.once(ctx, method, &u, body)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", request, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &StatusError{Request: request, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	return data, nil
}

// once sends one attempt and reads the whole answer, at most maxAnswer bytes.
func (a *Adapter) once(ctx context.Context, method string, u *url.URL, body []byte) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, nil, err
	}
	// The webservice key is the user name of HTTP Basic auth, with no password.
	req.SetBasicAuth(string(a.secret), "")
	if body != nil {
		req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, nil, a.secret.Scrub(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read answer: %w", err)
	}
	if len(data) > maxAnswer {
		return nil, nil, fmt.Errorf("answer larger than %d MiB", maxAnswer>>20)
	}
	return resp, data, nil
}

// errorMessage reads PrestaShop's error answer, JSON {"errors":[{"code":…,
// "message":…}]} or XML <prestashop><errors><error><message>, into one line.
func errorMessage(data []byte) string {
	var msgs []string
	var j struct {
		Errors []struct {
			Code    str `json:"code"`
			Message str `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &j) == nil {
		for _, e := range j.Errors {
			msgs = append(msgs, string(e.Message))
		}
	} else {
		var x struct {
			Errors []struct {
				Message string `xml:"message"`
			} `xml:"errors>error"`
		}
		if xml.Unmarshal(data, &x) == nil {
			for _, e := range x.Errors {
				msgs = append(msgs, strings.TrimSpace(e.Message))
			}
		}
	}
	s := strings.Join(msgs, "; ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
}
