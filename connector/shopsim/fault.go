package shopsim

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes the shop misbehave, for tests. The zero Fault is no fault.
type Fault struct {
	Status     int           // answer this status (e.g. 429, 500, 503) instead of handling the request
	RetryAfter time.Duration // with Status: the Retry-After header, rounded up to seconds; 0: none
	Times      int           // how many requests the fault hits; 0: every request until cleared
	Delay      time.Duration // wait this long first (a slow shop); the wait ends if the client gives up
	// DropConnection handles the request (a batch is applied) and closes the
	// connection without answering: an answer lost on the way back.
	DropConnection bool
	Path           string // hit only requests whose path starts with this; "" : every /v1 request
}

func (f Fault) active() bool { return f.Status != 0 || f.Delay > 0 || f.DropConnection }

// SetFault replaces the current fault; SetFault(Fault{}) clears it.
func (s *Server) SetFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.fault, s.faultN = f, f.Times
	if f.Times <= 0 {
		s.faultN = -1
	}
}

// takeFault returns the fault that hits a request to path, counting it.
func (s *Server) takeFault(path string) (Fault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.fault
	if !f.active() || s.faultN == 0 || !strings.HasPrefix(path, f.Path) {
		return Fault{}, false
	}
	if s.faultN > 0 {
		s.faultN--
	}
	return f, true
}

func (s *Server) withFault(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.takeFault(r.URL.Path)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch {
		case f.DropConnection:
			next.ServeHTTP(discard{h: http.Header{}}, r)
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler) // HTTP/2: abort the stream; net/http recovers it
		case f.Status != 0:
			if f.RetryAfter > 0 {
				secs := int((f.RetryAfter + time.Second - 1) / time.Second)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
			}
			writeError(w, f.Status, "fault", "shopsim fault switch")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// discard is a ResponseWriter that forgets the answer.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
