package shopifydouble

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func post(t *testing.T, d *Double, token, body string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/admin/api/2026-04/graphql.json", strings.NewReader(body))
	r.Header.Set("X-Shopify-Access-Token", token)
	w := httptest.NewRecorder()
	d.ServeHTTP(w, r)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: %v", w.Body.String(), err)
	}
	return w.Code, out
}

func code(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	s, _ := ext["code"].(string)
	return s
}

func TestDoubleAnswersAsDocumented(t *testing.T) {
	d := New("tok")
	const orders = `{"operationName":"OpenOrders","query":"query OpenOrders { orders(first: 5) { nodes { name } } }","variables":{"first":5,"query":"status:open"}}`
	if c, out := post(t, d, "bad", orders); c != http.StatusUnauthorized || !strings.Contains(out["errors"].(string), "Invalid API key or access token") {
		t.Errorf("wrong token: %d %v", c, out)
	}
	d.Scopes = []string{"read_products"}
	if _, out := post(t, d, "tok", orders); code(out) != "ACCESS_DENIED" {
		t.Errorf("without read_orders: %v", out)
	}
	d.Scopes = AllScopes
	d.Drain(10)
	_, out := post(t, d, "tok", orders)
	cost, _ := out["extensions"].(map[string]any)["cost"].(map[string]any)
	if code(out) != "THROTTLED" || cost["throttleStatus"] == nil || cost["requestedQueryCost"].(float64) != 62 {
		t.Errorf("an empty bucket: %v", out)
	}
	d.SetBucket(1000, 100)
	if _, out := post(t, d, "tok", orders); code(out) != "" || out["data"] == nil {
		t.Errorf("a full bucket: %v", out)
	}
	const noKey = `{"operationName":"SetStock","query":"mutation SetStock($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }","variables":{"input":{"name":"on_hand","reason":"correction","quantities":[]}}}`
	if _, out := post(t, d, "tok", noKey); code(out) == "" {
		t.Errorf("inventorySetQuantities without @idempotent: %v", out)
	}
	const unknown = `{"operationName":"Other","query":"query Other { shop { name } }"}`
	if _, out := post(t, d, "tok", unknown); code(out) != "UNSUPPORTED_BY_DOUBLE" {
		t.Errorf("an operation the double does not implement: %v", out)
	}
}
