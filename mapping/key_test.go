package mapping

import "testing"

func TestKey(t *testing.T) {
	tests := []struct {
		name, ref, want string
	}{
		{"dots", "T120.407.17.041.00", "T1204071704100"},
		{"spaces lower case", "t120 407 17 041 00", "T1204071704100"},
		{"already a key", "T1204071704100", "T1204071704100"},
		{"dashes slashes", "GC-12/B_3", "GC12B3"},
		{"full-width NFKC", "ＴＩＳ１２", "TIS12"},
		{"ligature NFKC", "ﬁne-1", "FINE1"},
		{"cyrillic look-alikes", "Т120.АВС", "T120ABC"}, // Cyrillic Т, А, В, С
		{"cyrillic lower case", "т120.авс", "T120ABC"},
		{"greek look-alikes", "ΑΒ-ΕΟ1", "ABEO1"},
		{"accented letter kept", "CÉ-1", "CÉ1"},
		{"nbsp and tabs", "A\u00a0B\tC", "ABC"},
		{"zero-width space", "T120\u200b.407", "T120407"},
		{"zero-width joiners", "T1\u200c2\u200d0\u2060", "T120"},
		{"soft hyphen", "T120\u00ad407", "T120407"},
		{"narrow nbsp", "T120\u202f407", "T120407"},
		{"byte-order mark", "\ufeffT120", "T120"},
		{"full-width letters and digits", "ＴＲ２２６４－０５１", "TR2264051"},
		{"full-width lower case", "ｔｒ２２", "TR22"},
		{"empty", "", ""},
		{"punctuation only", "-./", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Key(tt.ref); got != tt.want {
				t.Errorf("Key(%q) = %q, want %q", tt.ref, got, tt.want)
			}
		})
	}
}

func TestFoldBrand(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hermès", "HERMES"},
		{"  hermes  ", "HERMES"},
		{"Maison  Tissot", "MAISON TISSOT"},
		{" Éclat   d'Or ", "ECLAT D'OR"},
		{"Thomas\u00a0Sabo", "THOMAS SABO"},
		{"Thomas\u202fSabo", "THOMAS SABO"},
		{"Tis\u200bsot\u00ad", "TISSOT"},
		{"ＴＩＳＳＯＴ", "TISSOT"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FoldBrand(tt.in); got != tt.want {
			t.Errorf("FoldBrand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAppendKeyIsKey(t *testing.T) {
	m, err := New(Config{
		Rules:   map[string][]KeyRule{"Tissot": {{StripPrefix: "TISSOT-"}}},
		Aliases: []Alias{{Brand: "Pandora", Old: "PAN-1", Canonical: "790500"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte("kept")
	for _, ref := range []string{"T120.407.17.041.00", "t120 407", "Т120.АВС", "ＴＩＳ１２", "-./", "", "TISSOT-0042", "pan 1"} {
		if got, want := string(AppendKey(buf, ref)[4:]), Key(ref); got != want {
			t.Errorf("AppendKey(%q) = %q, Key = %q", ref, got, want)
		}
		for _, brand := range []string{"Tissot", "Pandora", "Swatch"} {
			k := m.KeyerFor(brand)
			if got, want := string(k.AppendKey(buf, ref)[4:]), k.Key(ref); got != want {
				t.Errorf("%s: Keyer.AppendKey(%q) = %q, Key = %q", brand, ref, got, want)
			}
		}
	}
}
