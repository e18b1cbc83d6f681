package woocommerce

import (
	"fmt"
	"strconv"
	"strings"
)

// priceString writes integer cents as WooCommerce's decimal string: 123456 →
// "1234.56". Exact: no float crosses it. Negative cents are an error.
func priceString(cents int64) (string, error) {
	if cents < 0 {
		return "", fmt.Errorf("negative price %d cents", cents)
	}
	return fmt.Sprintf("%d.%02d", cents/100, cents%100), nil
}

// parsePrice reads WooCommerce's decimal string as integer cents: "1234.5" →
// 123450, "" → 0. More than two decimals that are not zeros, a sign, an
// exponent or a comma are errors.
func parsePrice(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || !digits(frac) || len(whole) > 15 {
		return 0, fmt.Errorf("price %q: not a decimal WooCommerce writes", s)
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, fmt.Errorf("price %q: finer than a cent", s)
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("price %q: %w", s, err)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
