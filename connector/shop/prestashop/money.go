package prestashop

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// PrestaShop writes prices as decimal strings with six decimals ("1234.560000"),
// without tax. ecrin's prices are integer cents with tax. Both conversions here
// are exact integer arithmetic on millionths of the currency unit (micros):
// never a float.

const (
	microsPerCent = 10_000
	maxMicros     = 1e14 // 100 million in the currency: beyond, a price is a mistake
	bpOne         = 10_000
)

// parseRate reads a VAT rate in percent with at most two decimals ("20", "5,5")
// into hundredths of a percent.
func parseRate(s string) (int64, error) {
	m, err := parseDecimal(strings.Replace(s, ",", ".", 1), 2)
	switch {
	case err != nil:
		return 0, err
	case m < 0 || m >= 100_00:
		return 0, errors.New("want a percentage from 0 to 99.99")
	}
	return m, nil
}

// parseDecimal reads a decimal string ("-12.5", "3") into an integer of scale
// decimals, rounding half away from zero beyond them.
func parseDecimal(s string, scale int) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(whole) > 12 || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	var n int64
	if whole != "" {
		n, _ = strconv.ParseInt(whole, 10, 64)
	}
	round := false
	if len(frac) > scale {
		round = frac[scale] >= '5'
		frac = frac[:scale]
	}
	frac += strings.Repeat("0", scale-len(frac))
	for _, c := range frac {
		n = n*10 + int64(c-'0')
	}
	if round {
		n++
	}
	if neg {
		n = -n
	}
	return n, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseMicros reads a PrestaShop price.
func parseMicros(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	m, err := parseDecimal(s, 6)
	if err != nil {
		return 0, err
	}
	if m > maxMicros || m < -maxMicros {
		return 0, fmt.Errorf("price %s out of range", s)
	}
	return m, nil
}

// formatMicros writes micros as PrestaShop writes a price: six decimals.
func formatMicros(m int64) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%06d", sign, m/1_000_000, m%1_000_000)
}

// divRound divides a by b > 0, rounding half away from zero.
func divRound(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// netMicros is the price without tax, in micros, of a price with tax in cents at
// rate bp (hundredths of a percent): the value whose price with tax, rounded to
// the cent as PrestaShop shows it, is cents again.
func netMicros(cents, bp int64) (int64, error) {
	if cents < 0 || cents > maxMicros/microsPerCent {
		return 0, fmt.Errorf("price of %d cents out of range", cents)
	}
	return divRound(cents*microsPerCent*bpOne, bpOne+bp), nil
}

// grossCents is the price with tax, in cents, of a price without tax in micros.
func grossCents(micros, bp int64) int64 {
	return divRound(micros*(bpOne+bp), bpOne*microsPerCent)
}
