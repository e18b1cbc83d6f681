package mapping

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeSize gives a size (the TLD column) one spelling, so the ERP's and the
// catalog's sizes compare equal:
//
//	"52", "T52", "t 52", "Taille 52", "52,0", "052" → "52"
//	"52,5", "52.50"                                  → "52.5"
//	"45 cm", "45CM", "45,0 cm"                       → "45cm"
//	"Ø60", "ø 60", "Diam. 60"                        → "60"
//	"s", " XL "                                      → "S", "XL"
//
// An empty or blank size gives "".
func NormalizeSize(s string) string {
	s = strings.ToLower(strings.TrimSpace(norm.NFKC.String(StripInvisible(strings.ToValidUTF8(s, "")))))
	if s == "" {
		return ""
	}
	// Spaces go first: "tail le 52" is "taille52", whose size word then goes as
	// it would the next time (a size normalised twice is the same).
	s = strings.Join(strings.Fields(s), "")
	// A leading size word or diameter sign, when a number follows.
	for _, p := range []string{"taille", "diamètre", "diametre", "diam.", "diam", "ø", "⌀", "t."} {
		if rest, ok := strings.CutPrefix(s, p); ok && startsWithDigit(rest) {
			s = rest
			break
		}
	}
	if rest, ok := strings.CutPrefix(s, "t"); ok && startsWithDigit(rest) {
		s = rest
	}
	num, unit := splitNumber(s)
	if num == "" || (unit != "" && unit != "cm" && unit != "mm") {
		return norm.NFKC.String(strings.ToUpper(s)) // again: removing spaces may have joined a letter and a mark
	}
	return canonicalNumber(num) + unit
}

func startsWithDigit(s string) bool { return s != "" && '0' <= s[0] && s[0] <= '9' }

// splitNumber splits "45,0cm" into "45,0" and "cm".
func splitNumber(s string) (num, unit string) {
	i := 0
	for i < len(s) && (unicode.IsDigit(rune(s[i])) || s[i] == ',' || s[i] == '.') && s[i] < 0x80 {
		i++
	}
	return s[:i], s[i:]
}

// canonicalNumber writes "052,50" as "52.5": a decimal point, no leading zeros, no
// trailing decimal zeros.
func canonicalNumber(n string) string {
	n = strings.ReplaceAll(n, ",", ".")
	if strings.Count(n, ".") > 1 || !startsWithDigit(n) {
		return n
	}
	whole, frac, _ := strings.Cut(n, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}
