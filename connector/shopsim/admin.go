package shopsim

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// faultJSON is a Fault on the admin endpoint.
type faultJSON struct {
	Status            int    `json:"status"`
	RetryAfterSeconds int    `json:"retry_after_seconds"`
	Times             int    `json:"times"`
	DelayMS           int    `json:"delay_ms"`
	DropConnection    bool   `json:"drop_connection"`
	Path              string `json:"path"`
}

// stateJSON is a StockState on the admin endpoint.
type stateJSON struct {
	ProductID    string `json:"product_id"`
	VariantID    string `json:"variant_id,omitempty"`
	Pushed       bool   `json:"pushed"`
	Published    bool   `json:"published"`
	Availability string `json:"availability,omitempty"`
	Quantity     int    `json:"quantity"`
	PriceCents   int64  `json:"price_cents"`
	RestockDays  int    `json:"restock_days"`
}

// adminHandler serves the test endpoints described at the end of
// docs/shop-protocol.md. They are not signed: loopbackOnly guards them.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/fault", func(w http.ResponseWriter, r *http.Request) {
		var f faultJSON
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&f); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "the body is not a fault: "+err.Error())
			return
		}
		s.SetFault(Fault{
			Status:         f.Status,
			RetryAfter:     time.Duration(f.RetryAfterSeconds) * time.Second,
			Times:          f.Times,
			Delay:          time.Duration(f.DelayMS) * time.Millisecond,
			DropConnection: f.DropConnection,
			Path:           f.Path,
		})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /admin/fault", func(w http.ResponseWriter, r *http.Request) {
		s.SetFault(Fault{})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /admin/orders", func(w http.ResponseWriter, r *http.Request) {
		var o struct {
			Lines []OrderLine `json:"lines"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&o); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "the body is not an order: "+err.Error())
			return
		}
		id, err := s.PlaceOrder(r.Context(), o.Lines)
		if errors.Is(err, ErrNotForSale) {
			writeError(w, http.StatusConflict, "not_for_sale", err.Error())
			return
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"order": id})
	})
	mux.HandleFunc("POST /admin/orders/{id}/fulfil", func(w http.ResponseWriter, r *http.Request) {
		if err := s.FulfilOrder(r.Context(), r.PathValue("id")); err != nil {
			writeError(w, http.StatusNotFound, "not_found", err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /admin/stats", func(w http.ResponseWriter, r *http.Request) {
		st, err := s.Stats(r.Context())
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, st)
	})
	mux.HandleFunc("GET /admin/state", func(w http.ResponseWriter, r *http.Request) {
		states, err := s.State(r.Context())
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", err.Error())
			return
		}
		out := make([]stateJSON, len(states))
		for i, st := range states {
			out[i] = stateJSON{st.ProductID, st.VariantID, st.Pushed, st.Published, st.Availability,
				st.Quantity, st.PriceCents, st.RestockDays}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /admin/catalog", func(w http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRunBody))
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "cannot read the body")
			return
		}
		ps, err := decodeCatalog(data)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "the body is not a catalog: "+err.Error())
			return
		}
		if err := s.LoadCatalog(r.Context(), ps); err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// loopbackOnly refuses requests that do not come from a loopback address.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			writeError(w, http.StatusForbidden, "forbidden", "the admin endpoints answer loopback clients only")
			return
		}
		next.ServeHTTP(w, r)
	})
}
