package shopsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Protocol headers.
const (
	HeaderBoutique   = "X-Ecrin-Boutique"
	HeaderTimestamp  = "X-Ecrin-Timestamp"
	HeaderSignature  = "X-Ecrin-Signature"
	HeaderIdemKey    = "Idempotency-Key"
	HeaderIdemReplay = "Idempotent-Replayed"
)

// Sign returns the X-Ecrin-Signature value of a request: "v1=" and the hex
// HMAC-SHA256 of timestamp "." method "." target "." body.
func Sign(secret []byte, timestamp, method, target string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	io.WriteString(m, timestamp+"."+method+"."+target+".")
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// authError is a refused signature, with its protocol code.
type authError struct{ code, msg string }

func (e *authError) Error() string { return e.msg }

// verify checks a request's boutique, timestamp and signature over body.
func (s *Server) verify(r *http.Request, body []byte) *authError {
	if r.Header.Get(HeaderBoutique) != s.boutique {
		return &authError{"unknown_boutique", "this shop does not know the boutique"}
	}
	ts, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return &authError{"missing_signature", "the request is not signed"}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return &authError{"bad_timestamp", "the timestamp is not Unix seconds"}
	}
	if skew := s.now().Sub(time.Unix(sec, 0)); skew > MaxClockSkew || skew < -MaxClockSkew {
		return &authError{"stale_timestamp", "the timestamp is more than 5 minutes away from the shop's clock"}
	}
	if !strings.HasPrefix(sig, "v1=") {
		return &authError{"missing_signature", "the signature is not v1"}
	}
	want := Sign(s.secret, ts, r.Method, r.RequestURI, body)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return &authError{"bad_signature", "the signature does not match"}
	}
	return nil
}

// authenticate reads the body, checks the signature over it and hands the request on
// with the body readable again.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRunBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeError(w, http.StatusRequestEntityTooLarge, "too_large", "the body is too large")
				return
			}
			writeError(w, http.StatusBadRequest, "bad_request", "cannot read the body")
			return
		}
		if e := s.verify(r, body); e != nil {
			writeError(w, http.StatusUnauthorized, e.code, e.msg)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}
