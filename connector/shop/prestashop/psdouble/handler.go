package psdouble

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// realm is what the webservice asks a browser for.
const realm = `Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key as the login. No password required."`

// maxBody bounds a request body.
const maxBody = 1 << 20

// apiError is a webservice error: status, code, message.
type apiError struct {
	status, code int
	msg          string
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	if s.Delay > 0 {
		time.Sleep(s.Delay)
	}
	jsonOut := r.URL.Query().Get("output_format") == "JSON"
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api"), "/")
	resource, idText, _ := strings.Cut(path, "/")
	s.mu.Lock()
	s.counts[r.Method+" "+resource]++
	s.mu.Unlock()
	if s.Fail != nil {
		if st := s.Fail(r); st != 0 {
			if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "0")
			}
			writeError(w, jsonOut, apiError{st, 0, http.StatusText(st)})
			return
		}
	}
	key, _, ok := r.BasicAuth()
	s.mu.Lock()
	perms, known := s.keys[key]
	s.mu.Unlock()
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", realm)
		writeError(w, jsonOut, apiError{http.StatusUnauthorized, 17, "Authentication key is empty or invalid"})
		return
	}
	if resource == "" {
		if r.Method != http.MethodGet {
			writeError(w, jsonOut, apiError{http.StatusMethodNotAllowed, 0, "Method not allowed on the API root"})
			return
		}
		s.root(w, r, perms)
		return
	}
	if !slices.Contains(Resources, resource) {
		writeError(w, jsonOut, apiError{http.StatusBadRequest, 19, fmt.Sprintf("Resource of type %q does not exist", resource)})
		return
	}
	if !slices.Contains(perms[resource], r.Method) {
		writeError(w, jsonOut, apiError{http.StatusUnauthorized, 26, fmt.Sprintf("No permission for this authentication key: %s %s", r.Method, resource)})
		return
	}
	id := 0
	if idText != "" {
		var err error
		if id, err = strconv.Atoi(idText); err != nil || id <= 0 {
			writeError(w, jsonOut, apiError{http.StatusBadRequest, 0, fmt.Sprintf("Id %q is invalid", idText)})
			return
		}
	}
	var (
		out  any
		aerr *apiError
	)
	switch r.Method {
	case http.MethodGet:
		if !jsonOut {
			aerr = &apiError{http.StatusNotImplemented, 0, "the double answers resources in JSON only (output_format=JSON)"}
			break
		}
		out, aerr = s.get(resource, id, r)
	case http.MethodPut, http.MethodPatch:
		if id == 0 {
			aerr = &apiError{http.StatusBadRequest, 0, "Id is required when modifying a resource"}
			break
		}
		fields, err := readBody(r.Body, singular(resource))
		if err != nil {
			aerr = &apiError{http.StatusBadRequest, 127, "XML error: " + err.Error()}
			break
		}
		aerr = s.write(r.Method, resource, id, fields)
		if aerr == nil {
			s.mu.Lock()
			s.writes[r.Method+" "+resource+"/"+itoa(id)]++
			s.mu.Unlock()
			out, aerr = s.get(resource, id, r)
		}
	default:
		aerr = &apiError{http.StatusMethodNotAllowed, 0, "the double does not implement " + r.Method}
	}
	if aerr != nil {
		writeError(w, jsonOut, *aerr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// root writes the API root for a key: one element per resource it may use.
func (s *Server) root(w http.ResponseWriter, r *http.Request, perms Perms) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">` + "\n<api shop_name=\"Double\">\n")
	for _, res := range Resources {
		if len(perms[res]) == 0 {
			continue
		}
		fmt.Fprintf(&b, `<%s xlink:href="http://%s/api/%s"`, res, r.Host, res)
		for _, m := range Methods {
			fmt.Fprintf(&b, ` %s="%t"`, lower(m), slices.Contains(perms[res], m))
		}
		fmt.Fprintf(&b, "><description xlink:href=\"http://%s/api/%s\" get=\"true\">The %s</description></%s>\n", r.Host, res, res, res)
	}
	b.WriteString("</api>\n</prestashop>\n")
	w.Header().Set("Content-Type", "text/xml;charset=utf-8")
	_, _ = io.WriteString(w, b.String())
}

func writeError(w http.ResponseWriter, jsonOut bool, e apiError) {
	if jsonOut {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(e.status)
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"code": e.code, "message": e.msg}}})
		return
	}
	w.Header().Set("Content-Type", "text/xml;charset=utf-8")
	w.WriteHeader(e.status)
	var msg strings.Builder
	_ = xml.EscapeText(&msg, []byte(e.msg))
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<prestashop xmlns:xlink="http://www.w3.org/1999/xlink"><errors><error><code>%d</code><message>%s</message></error></errors></prestashop>`+"\n", e.code, msg.String())
}

// singular is the element name of one resource.
func singular(resource string) string {
	switch resource {
	case "stock_availables":
		return "stock_available"
	case "order_details":
		return "order_detail"
	case "product_options":
		return "product_option"
	case "product_option_values":
		return "product_option_value"
	case "order_states":
		return "order_state"
	}
	return strings.TrimSuffix(resource, "s")
}

// readBody reads <prestashop><element><field>text</field>…</element></prestashop>
// into its fields' texts (nested elements, such as associations, are skipped).
func readBody(body io.Reader, element string) (map[string]string, error) {
	dec := xml.NewDecoder(io.LimitReader(body, maxBody))
	fields := map[string]string{}
	var stack []string
	var text strings.Builder
	found := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
			if len(stack) == 2 {
				if t.Name.Local != element {
					return nil, fmt.Errorf("want <%s>, got <%s>", element, t.Name.Local)
				}
				found = true
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == 3 {
				fields[stack[2]] = strings.TrimSpace(text.String())
			}
			stack = stack[:len(stack)-1]
		}
	}
	if !found {
		return nil, fmt.Errorf("no <%s> element", element)
	}
	return fields, nil
}

var (
	dateFormat  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$`)
	priceFormat = regexp.MustCompile(`^\d{1,11}(\.\d{1,6})?$`)
	negPrice    = regexp.MustCompile(`^-?\d{1,11}(\.\d{1,6})?$`)
	intFormat   = regexp.MustCompile(`^-?\d{1,10}$`)
)

// write applies a PUT or a PATCH.
func (s *Server) write(method, resource string, id int, f map[string]string) *apiError {
	bad := func(format string, args ...any) *apiError {
		return &apiError{http.StatusBadRequest, 93, fmt.Sprintf(format, args...)}
	}
	if f["id"] != itoa(id) {
		return bad("id is required when modifying a resource, and must be %d", id)
	}
	if s.Refuse != nil {
		if msg := s.Refuse(resource, id); msg != "" {
			return bad("%s", msg)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case method == http.MethodPut && resource == "stock_availables":
		sa := s.stock[id]
		if sa == nil {
			return &apiError{http.StatusNotFound, 87, fmt.Sprintf("stock_available %d does not exist", id)}
		}
		for _, req := range []string{"id_product", "id_product_attribute", "quantity", "depends_on_stock", "out_of_stock"} {
			if f[req] == "" {
				return bad("parameter %q required", req)
			}
		}
		switch {
		case f["id_product"] != itoa(sa.ProductID) || f["id_product_attribute"] != itoa(sa.Attribute):
			return bad("id_product and id_product_attribute of stock_available %d cannot change", id)
		case !intFormat.MatchString(f["quantity"]):
			return bad("property StockAvailable->quantity is not valid")
		case f["depends_on_stock"] != "0" && f["depends_on_stock"] != "1":
			return bad("property StockAvailable->depends_on_stock is not valid")
		case f["out_of_stock"] != "0" && f["out_of_stock"] != "1" && f["out_of_stock"] != "2":
			return bad("property StockAvailable->out_of_stock is not valid")
		}
		sa.Quantity, _ = strconv.Atoi(f["quantity"])
		sa.DependsOnStock = f["depends_on_stock"] == "1"
		sa.OutOfStock, _ = strconv.Atoi(f["out_of_stock"])
		sa.Location = f["location"]
		if n, err := strconv.Atoi(f["id_shop"]); err == nil {
			sa.Shop = n
		}
		sa.ShopGroup, _ = strconv.Atoi(f["id_shop_group"])
		return nil
	case method == http.MethodPatch && resource == "products":
		p := s.products[id]
		if p == nil {
			return &apiError{http.StatusNotFound, 87, fmt.Sprintf("product %d does not exist", id)}
		}
		next := *p
		for k, v := range f {
			switch k {
			case "id":
			case "active":
				if v != "0" && v != "1" {
					return bad("property Product->active is not valid")
				}
				next.Active = v == "1"
			case "price":
				if !priceFormat.MatchString(v) {
					return bad("property Product->price is not valid")
				}
				next.Price = v
			case "available_date":
				if !dateFormat.MatchString(v) {
					return bad("property Product->available_date is not valid")
				}
				next.AvailableDate = v
			case "visibility":
				if !slices.Contains([]string{"both", "catalog", "search", "none"}, v) {
					return bad("property Product->visibility is not valid")
				}
				next.Visibility = v
			default:
				return bad("the double does not patch Product->%s", k)
			}
		}
		*p = next
		return nil
	case method == http.MethodPatch && resource == "combinations":
		c := s.combos[id]
		if c == nil {
			return &apiError{http.StatusNotFound, 87, fmt.Sprintf("combination %d does not exist", id)}
		}
		next := *c
		for k, v := range f {
			switch k {
			case "id":
			case "id_product":
				if v != itoa(c.ProductID) {
					return bad("property Combination->id_product cannot change")
				}
			case "price":
				if !negPrice.MatchString(v) {
					return bad("property Combination->price is not valid")
				}
				next.Price = v
			case "available_date":
				if !dateFormat.MatchString(v) {
					return bad("property Combination->available_date is not valid")
				}
				next.AvailableDate = v
			default:
				return bad("the double does not patch Combination->%s", k)
			}
		}
		*c = next
		return nil
	}
	return &apiError{http.StatusMethodNotAllowed, 0, fmt.Sprintf("the double does not implement %s of %s", method, resource)}
}
