package ecrin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Protocol headers.
const (
	headerBoutique  = "X-Ecrin-Boutique"
	headerTimestamp = "X-Ecrin-Timestamp"
	headerSignature = "X-Ecrin-Signature"
	headerIdemKey   = "Idempotency-Key"
)

// sign returns the X-Ecrin-Signature value: "v1=" and the hex HMAC-SHA256 of
// timestamp "." method "." target "." body, target being the request target as sent
// (path and query).
func sign(secret shop.Secret, timestamp, method, target string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	io.WriteString(m, timestamp+"."+method+"."+target+".")
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}
