package erp

import "testing"

func TestParseCents(t *testing.T) {
	tests := []struct {
		in      string
		decimal byte
		want    int64
		wantErr bool
	}{
		{"1250,00", ',', 125000, false},
		{"1 250,00 €", ',', 125000, false},
		{"1\u00a0250,00\u00a0€", ',', 125000, false},
		{"1\u202f250,5", ',', 125050, false},
		{"1.250,00", ',', 125000, false},
		{"69", ',', 6900, false},
		{"69,9", ',', 6990, false},
		{"69,900", ',', 6990, false},
		{"1250.00", '.', 125000, false},
		{"1,250.00", '.', 125000, false},
		{" 0,00 ", ',', 0, false},
		{"12.50", ',', 0, true},   // a decimal point where a comma is expected
		{"69,999", ',', 0, true},  // a fraction of a cent
		{"1 25,00", ',', 0, true}, // bad grouping
		{"douze", ',', 0, true},
		{"", ',', 0, true},
		{"€", ',', 0, true},
		{"-5,00", ',', 0, true},
		{"12,", ',', 0, true},
		{"99999999999999999999", ',', 0, true},
	}
	for _, tt := range tests {
		got, err := ParseCents(tt.in, tt.decimal)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseCents(%q, %q) = %d, %v; want %d, error %v", tt.in, tt.decimal, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"3", 3, false},
		{" 12 ", 12, false},
		{"-2", -2, false},
		{"1 000", 1000, false},
		{"3,00", 3, false},
		{"3,50", 0, true},
		{"", 0, true},
		{"x", 0, true},
		{"99999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseInt(tt.in, ',')
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseEAN(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"7611608293295", "7611608293295", false},
		{"761 1608 293295", "7611608293295", false},
		{"12345678", "12345678", false},
		{"1234567", "", true},
		{"7.61161E+12", "", true},
		{"761160829329A", "", true},
	}
	for _, tt := range tests {
		got, err := ParseEAN(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseEAN(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFoldName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Réf. fournisseur", "ref fournisseur"},
		{"REF FOURNISSEUR", "ref fournisseur"},
		{"  Désignation ", "designation"},
		{"Qté en commande", "qte en commande"},
		{"PV TTC (€)", "pv ttc"},
	}
	for _, tt := range tests {
		if got := FoldName(tt.in); got != tt.want {
			t.Errorf("FoldName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestColumnName(t *testing.T) {
	for col, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(col); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", col, got, want)
		}
	}
}
