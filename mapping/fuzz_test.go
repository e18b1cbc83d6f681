package mapping

import (
	"testing"
	"unicode"
)

func FuzzKey(f *testing.F) {
	for _, s := range []string{"T120.407.17.041.00", "Т120.АВС", "ＴＩＳ１２", "ﬁne", "", "\xff\xfe", "ß-ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		k := Key(ref)
		for _, r := range k {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Key(%q) = %q holds %q", ref, k, r)
			}
		}
		if again := Key(k); again != k {
			t.Fatalf("Key is not idempotent: Key(%q) = %q, Key(%q) = %q", ref, k, k, again)
		}
		if got := string(AppendKey(nil, ref)); got != k {
			t.Fatalf("AppendKey(%q) = %q, Key = %q", ref, got, k)
		}
	})
}

func FuzzNormalizeSize(f *testing.F) {
	for _, s := range []string{"T52", "Taille 52", "52,0", "45 cm", "Ø60", "t.5", "0,0", "1.2.3", "\xff", "taille"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeSize(s)
		if again := NormalizeSize(n); again != n {
			t.Fatalf("NormalizeSize is not idempotent: %q → %q → %q", s, n, again)
		}
	})
}

func FuzzParseGTIN(f *testing.F) {
	for _, s := range []string{"7612345678900", "036000291452", "96385074", "7.61001E+12", "0000000000000", " 761 2345 678900 ", "\xc2\xa0", "9999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGTIN(s)
		if err != nil {
			if g != 0 {
				t.Fatalf("ParseGTIN(%q) = %d with error %v", s, g, err)
			}
			return
		}
		if g == 0 || uint64(g) >= 1e14 {
			t.Fatalf("ParseGTIN(%q) = %d", s, g)
		}
		if again, err := ParseGTIN(g.String()); err != nil || again != g {
			t.Fatalf("ParseGTIN(%q) = %d, but its String %q reads %d, %v", s, g, g.String(), again, err)
		}
		if WithCheckDigit(uint64(g)/10) != g {
			t.Fatalf("ParseGTIN(%q) = %d accepted a wrong check digit", s, g)
		}
	})
}
