package erp

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FoldName folds a column name for matching: accents removed, lower case, every run
// of characters that are not letters or digits turned into one space.
// "Réf. fournisseur" and "REF FOURNISSEUR" both fold to "ref fournisseur".
func FoldName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}
