package shop

import (
	"errors"
	"testing"
)

func TestSecretScrub(t *testing.T) {
	for _, c := range []struct {
		secret Secret
		err    error
		want   string
	}{
		{"s3cr3t", errors.New(`proxy said: bad header "Basic s3cr3t"`), `proxy said: bad header "Basic [redacted]"`},
		{"s3cr3t", errors.New("connection refused"), "connection refused"},
		{"", errors.New("connection refused"), "connection refused"},
	} {
		if got := c.secret.Scrub(c.err).Error(); got != c.want {
			t.Errorf("Scrub(%q) = %q, want %q", c.err, got, c.want)
		}
	}
	if Secret("x").Scrub(nil) != nil {
		t.Error("Scrub(nil) is not nil")
	}
}
