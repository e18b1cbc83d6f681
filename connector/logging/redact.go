package logging

import (
	"bytes"
	"cmp"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/rs/zerolog"
)

// Mask replaces a secret in the logs.
const Mask = "***"

// Redactor is a writer that replaces every occurrence of a secret by Mask in
// what it passes on, as written or as JSON, zerolog or URL encoding (query,
// path, user info) would spell it. It is the last line of defence: code must
// still never log a secret. Secrets are matched within one Write, which
// zerolog makes one whole line.
type Redactor struct {
	w zerolog.LevelWriter
	r *strings.Replacer // nil when there is nothing to hide
}

// NewRedactor returns a writer to w that hides secrets; empty ones are ignored.
func NewRedactor(w io.Writer, secrets []string) *Redactor {
	lw, ok := w.(zerolog.LevelWriter)
	if !ok {
		lw = zerolog.LevelWriterAdapter{Writer: w}
	}
	var forms []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		forms = append(forms, s, zerologEncoded(s), url.QueryEscape(s), url.PathEscape(s), userinfoEncoded(s))
	}
	// Longest first, so that a secret containing another is hidden whole.
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	forms = slices.Compact(forms)
	if len(forms) == 0 {
		return &Redactor{w: lw}
	}
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	return &Redactor{w: lw, r: strings.NewReplacer(pairs...)}
}

// Write passes p on with the secrets masked. It reports len(p) on success,
// whatever the length of the masked line.
func (r *Redactor) Write(p []byte) (int, error) {
	return r.WriteLevel(zerolog.NoLevel, p)
}

// WriteLevel is Write for writers that route by level.
func (r *Redactor) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	out := r.mask(p)
	if _, err := r.w.WriteLevel(l, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close closes the wrapped writer when it can be closed.
func (r *Redactor) Close() error {
	if c, ok := r.w.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (r *Redactor) mask(p []byte) []byte {
	if r.r == nil {
		return p
	}
	s := string(p)
	if m := r.r.Replace(s); m != s {
		return []byte(m)
	}
	return p
}

// userinfoEncoded returns s as the password of a URL spells it.
func userinfoEncoded(s string) string {
	u := url.UserPassword("", s).String() // ":" + escaped
	return strings.TrimPrefix(u, ":")
}

// zerologEncoded returns s as zerolog writes it inside a JSON string.
func zerologEncoded(s string) string {
	var b bytes.Buffer
	l := zerolog.New(&b)
	l.Log().Str("s", s).Send()
	line := strings.TrimSpace(b.String())
	line = strings.TrimPrefix(line, `{"s":"`)
	return strings.TrimSuffix(line, `"}`)
}
