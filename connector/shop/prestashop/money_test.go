package prestashop

import "testing"

func TestPricesConvertExactly(t *testing.T) {
	for _, tt := range []struct {
		cents int64
		rate  string
		net   string
	}{
		{100000, "20", "833.333333"},
		{123456, "20", "1028.800000"},
		{99900, "20", "832.500000"},
		{1, "20", "0.008333"},
		{12345, "5,5", "117.014218"},
		{12345, "0", "123.450000"},
		{999999999, "20", "8333333.325000"},
	} {
		bp, err := parseRate(tt.rate)
		if err != nil {
			t.Fatal(err)
		}
		m, err := netMicros(tt.cents, bp)
		if err != nil {
			t.Fatal(err)
		}
		if got := formatMicros(m); got != tt.net {
			t.Errorf("%d cents at %s%%: %s without tax, want %s", tt.cents, tt.rate, got, tt.net)
		}
		back, err := parseMicros(formatMicros(m))
		if err != nil || grossCents(back, bp) != tt.cents {
			t.Errorf("%d cents at %s%%: back to %d cents (%v)", tt.cents, tt.rate, grossCents(back, bp), err)
		}
	}
	// A size's impact plus its product's price shows the size's price.
	bp, _ := parseRate("20")
	base, _ := netMicros(100000, bp)
	size, _ := netMicros(123456, bp)
	if got := grossCents(base+(size-base), bp); got != 123456 {
		t.Errorf("impact: %d", got)
	}
	for _, bad := range []string{"", "abc", "1.2.3", "--1", "1e5", "99999999999999"} {
		if _, err := parseMicros(bad); err == nil && bad != "" {
			t.Errorf("parseMicros(%q) accepted", bad)
		}
	}
	if s := formatMicros(-1500000); s != "-1.500000" {
		t.Errorf("negative impact written %s", s)
	}
	for _, bad := range []string{"100", "-1", "x"} {
		if _, err := parseRate(bad); err == nil {
			t.Errorf("tax rate %q accepted", bad)
		}
	}
}
