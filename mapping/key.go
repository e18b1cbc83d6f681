package mapping

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Key is the base matching key of a reference, before any brand rule: Unicode NFKC
// (full-width letters and digits become ASCII), upper case, look-alike letters
// folded to Latin, every character that is not a letter or a digit removed — the
// invisible ones too (zero-width space and joiners, soft hyphen, NBSP and narrow
// NBSP). "T120.407.17.041.00", "t120 407 17 041 00" and
// "T1204071704100" share the key "T1204071704100".
func Key(ref string) string {
	if k, ok := asciiKey(ref); ok {
		return k
	}
	// Bytes that are not UTF-8 are no letter nor digit; left in, they would stop
	// NFKC from normalising what follows them.
	k := foldKey(norm.NFKC.String(strings.ToValidUTF8(ref, "")))
	if !norm.NFKC.IsNormalString(k) {
		// Upper case can give a letter NFKC writes otherwise ("ǅ" → "Ǆ" → "DŽ"):
		// once more, so that the key of a key is itself.
		k = foldKey(norm.NFKC.String(k))
	}
	return k
}

// foldKey is Key on an NFKC string: upper case, look-alikes folded, only letters
// and digits kept.
func foldKey(ref string) string {
	var b strings.Builder
	b.Grow(len(ref))
	for _, r := range ref {
		r = unicode.ToUpper(r)
		if l, ok := lookalikes[r]; ok {
			r = l
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// AppendKey appends the base key of ref to dst, without allocating for the common
// all-ASCII reference: a caller looking references up in a map keyed by Key reuses
// one buffer.
func AppendKey(dst []byte, ref string) []byte {
	for i := 0; i < len(ref); i++ {
		if ref[i] >= utf8.RuneSelf {
			return append(dst, Key(ref)...)
		}
	}
	for i := 0; i < len(ref); i++ {
		switch c := ref[i]; {
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			dst = append(dst, c)
		case 'a' <= c && c <= 'z':
			dst = append(dst, c-'a'+'A')
		}
	}
	return dst
}

// asciiKey is Key's fast path for the common all-ASCII reference: it needs no
// normalisation. It returns ok false when ref holds a byte outside ASCII.
func asciiKey(ref string) (string, bool) {
	n := 0
	clean := true // already a key: no copy needed
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			n++
		case 'a' <= c && c <= 'z':
			n++
			clean = false
		default:
			clean = false
		}
	}
	if clean {
		return ref, true
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
		}
	}
	return string(b), true
}

// invisible reports whether r prints nothing: zero-width space, non-joiner and
// joiner, word joiner, soft hyphen, byte-order mark, direction marks. A reference
// or a brand copied from a web page or a PDF carries them unseen.
func invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u180e', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060',
		'\u2061', '\u2062', '\u2063', '\u2064', '\ufeff':
		return true
	}
	return false
}

// StripInvisible removes the characters that print nothing (see invisible) and
// turns the no-break spaces (NBSP, narrow NBSP, figure space) into plain spaces.
func StripInvisible(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case invisible(r):
		case r == '\u00a0' || r == '\u202f' || r == '\u2007':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookalikes folds the upper-case Cyrillic and Greek letters that print like Latin
// ones, the usual slips of a keyboard switched to another layout or of a copied
// reference.
var lookalikes = map[rune]rune{
	// Cyrillic
	'А': 'A', 'В': 'B', 'Е': 'E', 'Ё': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X', 'І': 'I', 'Ї': 'I', 'Ј': 'J',
	'Ѕ': 'S', 'Ԛ': 'Q', 'Ԝ': 'W',
	// Greek
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M',
	'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}
