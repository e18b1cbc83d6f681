package mapping

import "testing"

func TestParseGTIN(t *testing.T) {
	tests := []struct {
		name, in string
		want     GTIN
		err      error
	}{
		{"EAN-13", "7612345678900", 7612345678900, nil},
		{"EAN-13 spaced", "761 2345 678900", 7612345678900, nil},
		{"EAN-13 no-break space", "7612345\u00a0678900", 7612345678900, nil},
		{"EAN-8", "96385074", 96385074, nil},
		{"UPC-A is the EAN-13 with a leading zero", "036000291452", 36000291452, nil},
		{"UPC-A as EAN-13", "0036000291452", 36000291452, nil},
		{"GTIN-14", "00036000291452", 36000291452, nil},
		{"GTIN-14 packaging level", "10036000291459", 10036000291459, nil},
		{"leading zeros dropped by a spreadsheet", "36000291452", 36000291452, nil},
		{"wrong check digit", "7612345678901", 0, ErrGTINCheckDigit},
		{"UPC-A wrong check digit", "036000291453", 0, ErrGTINCheckDigit},
		{"scientific notation", "7.61001E+12", 0, ErrGTINScientific},
		{"scientific notation, decimal comma", "7,61234E+12", 0, ErrGTINScientific},
		{"scientific notation, lower case", "7.61234e12", 0, ErrGTINScientific},
		{"too short", "1234567", 0, ErrGTINLength},
		{"too long", "761234567890012", 0, ErrGTINLength},
		{"empty", "", 0, ErrGTINLength},
		{"letters", "76123456789AB", 0, ErrGTINSyntax},
		{"all zeros", "0000000000000", 0, ErrGTINSyntax},
		{"a dash", "7612345-678900", 0, ErrGTINSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGTIN(tt.in)
			if got != tt.want || err != tt.err {
				t.Errorf("ParseGTIN(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestGTINProblem(t *testing.T) {
	for in, want := range map[string]string{
		"7612345678901": GTINCodeCheckDigit, "7.61001E+12": GTINCodeScientific,
		"123": GTINCodeLength, "ABCDEFGH": GTINCodeSyntax,
	} {
		if _, err := ParseGTIN(in); GTINProblem(err) != want {
			t.Errorf("GTINProblem(ParseGTIN(%q)) = %q, want %q", in, GTINProblem(err), want)
		}
	}
}

func TestGTINString(t *testing.T) {
	for g, want := range map[GTIN]string{
		7612345678900: "7612345678900", 36000291452: "0036000291452", 96385074: "0000096385074",
		10036000291459: "10036000291459",
	} {
		if got := g.String(); got != want {
			t.Errorf("GTIN(%d).String() = %q, want %q", uint64(g), got, want)
		}
	}
}

func TestWithCheckDigit(t *testing.T) {
	for body := uint64(1_000_000); body < 1_000_000+2000; body += 7 {
		g := WithCheckDigit(body * 100_000)
		if got, err := ParseGTIN(g.String()); err != nil || got != g {
			t.Fatalf("WithCheckDigit(%d) = %s: ParseGTIN = %d, %v", body, g, got, err)
		}
		if _, err := ParseGTIN((g + 1 - 10*(g%10/9)).String()); err != ErrGTINCheckDigit {
			t.Fatalf("%s with its check digit changed: %v", g, err)
		}
	}
}
