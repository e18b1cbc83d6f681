package mapping

import "strings"

// Key is the matching key of a reference: upper case, every character that is not a
// letter or a digit removed. "T120.407.17.041.00", "t120 407 17 041 00" and
// "T1204071704100" share the key "T1204071704100".
func Key(ref string) string {
	var b strings.Builder
	b.Grow(len(ref))
	for _, r := range strings.ToUpper(ref) {
		if ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
