package erp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Text is an extract's byte stream once its encoding is known.
//
// Single-byte encodings (Windows-1252, ISO-8859-15, Mac Roman…) are not transformed
// while reading: delimiters and line ends are ASCII in all of them, so the text core
// splits the raw bytes and decodes a row only when it holds a non-ASCII byte (see
// Bytes). UTF-8 is passed through and checked row by row; UTF-16 is transformed.
type Text struct {
	R        io.Reader // the bytes to split into rows, BOM removed
	Encoding string    // canonical name of the encoding used
	FromBOM  bool      // the encoding was detected from a byte-order mark
	table    *[256]rune
}

// UTF8 reports whether rows arrive as UTF-8 that must be validated.
func (t *Text) UTF8() bool { return t.table == nil }

// Decode appends the UTF-8 form of a raw row to dst, and the end of each field in
// dst to dstEnds (ends are the field ends in raw). For UTF-8 text it returns ok false
// when the row is not valid UTF-8.
func (t *Text) Decode(dst []byte, dstEnds []int, raw []byte, ends []int) ([]byte, []int, bool) {
	if t.table == nil || isASCII(raw) {
		if t.table == nil && !isASCII(raw) && !utf8.Valid(raw) {
			return dst, dstEnds, false
		}
		return append(dst, raw...), append(dstEnds, ends...), true
	}
	start := 0
	for _, e := range ends {
		field := raw[start:e]
		for len(field) > 0 {
			i := 0
			for i < len(field) && field[i] < 0x80 {
				i++
			}
			dst = append(dst, field[:i]...)
			if i < len(field) {
				dst = utf8.AppendRune(dst, t.table[field[i]])
				i++
			}
			field = field[i:]
		}
		dstEnds = append(dstEnds, len(dst))
		start = e
	}
	return dst, dstEnds, true
}

// OpenText detects a byte-order mark at the start of r (UTF-8, UTF-16LE, UTF-16BE),
// and otherwise uses the named encoding (an IANA name, "" for UTF-8).
func OpenText(r io.Reader, name string) (*Text, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return &Text{R: br, Encoding: "utf-8", FromBOM: true}, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return &Text{R: transform.NewReader(br, dec), Encoding: "utf-16le", FromBOM: true}, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		return &Text{R: transform.NewReader(br, dec), Encoding: "utf-16be", FromBOM: true}, nil
	}
	enc, canon, err := LookupEncoding(name)
	if err != nil {
		return nil, err
	}
	t := &Text{R: br, Encoding: canon}
	switch e := enc.(type) {
	case nil:
	case *charmap.Charmap:
		var tab [256]rune
		for i := range tab {
			tab[i] = e.DecodeByte(byte(i))
		}
		t.table = &tab
	default:
		t.R = transform.NewReader(br, e.NewDecoder())
	}
	return t, nil
}

// LookupEncoding resolves an IANA encoding name ("windows-1252", "ISO-8859-15",
// "macintosh", "utf-16le"…). It returns a nil Encoding for UTF-8.
func LookupEncoding(name string) (encoding.Encoding, string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "", "utf-8", "utf8":
		return nil, "utf-8", nil
	case "mac", "macroman", "mac-roman":
		n = "macintosh"
	}
	enc, err := ianaindex.IANA.Encoding(n)
	if err != nil || enc == nil {
		enc, err = htmlindex.Get(n) // WHATWG labels: cp1252, latin1…
	}
	if err != nil || enc == nil {
		return nil, "", fmt.Errorf("unknown encoding %q (use an IANA name such as utf-8, windows-1252, iso-8859-15, macintosh, utf-16le)", name)
	}
	canon, err := ianaindex.IANA.Name(enc)
	if err != nil {
		canon = n
	}
	canon = strings.ToLower(canon)
	if canon == "utf-8" {
		return nil, canon, nil
	}
	return enc, canon, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
