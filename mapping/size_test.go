package mapping

import "testing"

func TestNormalizeSize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"52", "52"},
		{"T52", "52"},
		{"t 52", "52"},
		{"T.52", "52"},
		{"Taille 52", "52"},
		{"TAILLE52", "52"},
		{"52,0", "52"},
		{"52.00", "52"},
		{"052", "52"},
		{"52,5", "52.5"},
		{"52.50", "52.5"},
		{"45 cm", "45cm"},
		{"45CM", "45cm"},
		{"45,0 cm", "45cm"},
		{"Ø60", "60"},
		{"ø 60", "60"},
		{"Diam. 60", "60"},
		{"60 mm", "60mm"},
		{"s", "S"},
		{" XL ", "XL"},
		{"TU", "TU"},
		{"", ""},
		{"   ", ""},
		{"0", "0"},
		{"52\u200b", "52"},
		{"T\u00a052", "52"},
		{"\ufeff５２", "52"},
		{"45\u202fcm", "45cm"},
	}
	for _, tt := range tests {
		if got := NormalizeSize(tt.in); got != tt.want {
			t.Errorf("NormalizeSize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
