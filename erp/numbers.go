package erp

import (
	"errors"
	"strings"
)

var (
	errEmpty  = errors.New("empty")
	errSyntax = errors.New("syntax")
	errRange  = errors.New("out of range")
)

// trimAmount removes spaces (including no-break spaces) and a trailing euro sign.
func trimAmount(s string) string {
	s = strings.TrimSpace(s)
	for _, suf := range []string{"€", "EUR", "eur"} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSpace(s[:len(s)-len(suf)])
			break
		}
	}
	return s
}

// isGroupSep reports whether s[i:] starts with a thousands separator other than the
// decimal mark: a space, a no-break space (U+00A0), a narrow no-break space (U+202F)
// or the other of ',' and '.'. It returns the separator's width.
func isGroupSep(s string, i int, decimal byte) int {
	switch c := s[i]; {
	case c == ' ', c == '\'':
		return 1
	case c == ',' || c == '.':
		if c != decimal {
			return 1
		}
	case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0:
		return 2
	case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0xAF:
		return 3
	}
	return 0
}

// parseDigits reads an unsigned integer with optional thousands separators (groups of
// three after the first) from the start of s and stops at the decimal mark. It
// returns the value and the rest of s.
func parseDigits(s string, decimal byte) (int64, string, error) {
	var v int64
	digits, group, grouped := 0, 0, false
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' {
			if v > (1<<62)/10 {
				return 0, "", errRange
			}
			v = v*10 + int64(c-'0')
			digits++
			group++
			i++
			continue
		}
		if c == decimal {
			break
		}
		w := isGroupSep(s, i, decimal)
		if w == 0 || digits == 0 || (grouped && group != 3) {
			return 0, "", errSyntax
		}
		grouped, group = true, 0
		i += w
	}
	if digits == 0 || (grouped && group != 3) {
		return 0, "", errSyntax
	}
	return v, s[i:], nil
}

// ParseCents reads a retail price in euros as integer cents: "1 250,00 €" with a
// decimal comma, "1250.00" with a decimal point. Thousands may be separated by a
// space, a no-break space, a narrow no-break space or the other mark, in groups of
// three. More than two decimals are accepted only when the extra ones are zeros.
func ParseCents(s string, decimal byte) (int64, error) {
	s = trimAmount(s)
	if s == "" {
		return 0, errEmpty
	}
	if s[0] == '-' || s[0] == '+' {
		return 0, errSyntax
	}
	units, rest, err := parseDigits(s, decimal)
	if err != nil {
		return 0, err
	}
	var frac int64
	if rest != "" {
		rest = rest[1:] // the decimal mark
		if rest == "" {
			return 0, errSyntax
		}
		for i := 0; i < len(rest); i++ {
			c := rest[i]
			if c < '0' || c > '9' {
				return 0, errSyntax
			}
			switch {
			case i < 2:
				frac = frac*10 + int64(c-'0')
			case c != '0':
				return 0, errSyntax // a fraction of a cent
			}
		}
		if len(rest) == 1 {
			frac *= 10
		}
	}
	if units > (1<<62)/100 {
		return 0, errRange
	}
	return units*100 + frac, nil
}

// ParseInt reads a quantity: an optional sign, digits with optional thousands
// separators, and optionally a decimal mark followed by zeros only ("3,00").
func ParseInt(s string, decimal byte) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errEmpty
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = strings.TrimSpace(s[1:])
	}
	if decimal == 0 {
		decimal = '.'
	}
	v, rest, err := parseDigits(s, decimal)
	if err != nil {
		return 0, err
	}
	if rest != "" {
		if len(rest) == 1 || strings.Trim(rest[1:], "0") != "" {
			return 0, errSyntax
		}
	}
	if v > 1<<31 {
		return 0, errRange
	}
	if neg {
		return -int(v), nil
	}
	return int(v), nil
}

// ParseEAN reads a barcode (EAN-8, UPC-A, EAN-13, GTIN-14): 8 to 14 digits once
// spaces are removed.
func ParseEAN(s string) (string, error) {
	s = strings.TrimSpace(s)
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == ' ':
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // no-break space
			i++
		default:
			return "", errSyntax
		}
	}
	if n < 8 || n > 14 {
		return "", errSyntax
	}
	if n == len(s) {
		return s, nil
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b), nil
}
