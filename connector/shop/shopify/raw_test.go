package shopify

import "net/http"

// rawShop answers every request with body: for the bad answers.
func rawShop(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
}
