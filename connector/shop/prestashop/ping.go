package prestashop

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// needs are the resources and methods ecrin uses, in the order `ecrin check`
// names what is missing.
var needs = []struct{ resource, methods string }{
	{"products", "GET PATCH"},
	{"combinations", "GET PATCH"},
	{"stock_availables", "GET PUT"},
	{"product_options", "GET"},
	{"product_option_values", "GET"},
	{"orders", "GET"},
	{"order_details", "GET"},
}

// Ping reads the API root (GET /api/), which lists the resources the key may use
// and, for each, the methods as attributes (get="true" put="false" …), and says
// which resource and method the key lacks.
func (a *Adapter) Ping(ctx context.Context) error {
	data, err := a.call(ctx, http.MethodGet, "", nil, nil)
	switch statusOf(err) {
	case 0:
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("ping %s: the shop refused the webservice key (shop.secret): is it the key of Advanced Parameters > Webservice, enabled, and is the webservice on? (%w)", a.where, err)
	case http.StatusNotFound:
		return fmt.Errorf("ping %s: no webservice at /api/: is shop.url the shop's base URL and the webservice enabled (with URL rewriting)? (%w)", a.where, err)
	}
	if err != nil {
		return fmt.Errorf("ping %s: %w", a.where, err)
	}
	perms, err := parseRoot(data)
	if err != nil {
		return fmt.Errorf("ping %s: read the API root: %w", a.where, err)
	}
	var missing []string
	for _, n := range needs {
		for _, m := range strings.Fields(n.methods) {
			if !perms[n.resource][strings.ToLower(m)] {
				missing = append(missing, fmt.Sprintf("the key may not %s %s", m, n.resource))
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("ping %s: %s: tick them for this key in Advanced Parameters > Webservice", a.where, strings.Join(missing, "; "))
	}
	return nil
}

// parseRoot reads the API root: for each resource, the methods whose attribute
// is "true". The answer is bounded by the client; the decoder reads at most 100
// thousand tokens.
func parseRoot(data []byte) (map[string]map[string]bool, error) {
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	out := map[string]map[string]bool{}
	depth, inAPI := 0, false
	for n := 0; n < 100_000; n++ {
		tok, err := dec.Token()
		if err != nil {
			if inAPI || len(out) > 0 {
				return out, nil
			}
			return nil, errors.New("no <api> element")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "api" && depth == 2 {
				inAPI = true
				continue
			}
			if inAPI && depth == 3 {
				m := map[string]bool{}
				for _, at := range t.Attr {
					if at.Name.Space == "" && at.Value == "true" {
						m[strings.ToLower(at.Name.Local)] = true
					}
				}
				out[t.Name.Local] = m
			}
		case xml.EndElement:
			if depth == 2 && inAPI {
				return out, nil
			}
			depth--
		}
	}
	return nil, errors.New("API root too large")
}
