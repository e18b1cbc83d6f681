package shopsim

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Protocol limits.
const (
	DefaultPageSize = 500
	MaxPageSize     = 1000
	MaxBatchItems   = 1000
	MaxBatchBody    = 8 << 20  // bytes
	MaxRunBody      = 64 << 20 // bytes
	MaxClockSkew    = 5 * time.Minute
)

// Options configure a Server.
type Options struct {
	DBPath   string           // the SQLite file; created when missing
	Secret   []byte           // the boutique's shared secret
	Boutique string           // the boutique id the shop serves
	Now      func() time.Time // the shop's clock; time.Now when nil
}

// Server is a simulated web shop for one boutique.
type Server struct {
	db       *sql.DB
	secret   []byte
	boutique string
	now      func() time.Time

	mu sync.Mutex // serialises the writes: batches, runs, catalog loads

	faultMu sync.Mutex
	fault   Fault
	faultN  int // requests the fault still hits; -1: until cleared
}

// New opens (or creates) the shop's database.
func New(opts Options) (*Server, error) {
	if opts.DBPath == "" {
		return nil, errors.New("new shopsim: no database path")
	}
	if len(opts.Secret) == 0 {
		return nil, errors.New("new shopsim: no secret")
	}
	if opts.Boutique == "" {
		return nil, errors.New("new shopsim: no boutique id")
	}
	db, err := openDB(opts.DBPath)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Server{db: db, secret: append([]byte(nil), opts.Secret...), boutique: opts.Boutique, now: now}, nil
}

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

// Handler serves the protocol under /v1 and the loopback-only admin endpoints under
// /admin.
func (s *Server) Handler() http.Handler {
	v1 := http.NewServeMux()
	v1.HandleFunc("GET /v1/ping", s.handlePing)
	v1.HandleFunc("GET /v1/catalog", s.handleCatalog)
	v1.HandleFunc("GET /v1/catalog/changes", s.handleChanges)
	v1.HandleFunc("POST /v1/stock/batches", s.handleBatch)
	v1.HandleFunc("POST /v1/runs", s.handleRun)
	v1.HandleFunc("GET /v1/orders", s.handleOrders)

	mux := http.NewServeMux()
	mux.Handle("/v1/", s.withFault(s.authenticate(v1)))
	mux.Handle("/admin/", loopbackOnly(s.adminHandler()))
	return mux
}

func (s *Server) handlePing(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"boutique": s.boutique, "time": formatTime(s.now())})
}

type catalogPage struct {
	Products      []Product `json:"products"`
	NextPageToken string    `json:"next_page_token,omitempty"`
	Cursor        string    `json:"cursor"` // the catalog's revision when the page was read
}

func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := pageLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	rev, _, err := s.currentRev(r.Context())
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot read the catalog")
		return
	}
	var after string
	if tok := q.Get("page_token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) == 0 {
			writeError(w, http.StatusBadRequest, "bad_request", "page_token was not issued by this shop")
			return
		}
		after = string(b)
	}
	ps, more, err := s.catalogPage(r.Context(), after, limit)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot read the catalog")
		return
	}
	page := catalogPage{Products: ps, Cursor: encodeCursor(rev)}
	if page.Products == nil {
		page.Products = []Product{}
	}
	if more {
		page.NextPageToken = base64.RawURLEncoding.EncodeToString([]byte(ps[len(ps)-1].ID))
	}
	writeJSON(w, http.StatusOK, page)
}

// apiError is the protocol's error body.
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message,omitempty"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Error: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal"}`)
	}
	writeBody(w, status, b)
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
