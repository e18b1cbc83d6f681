package medusa

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
)

// Medusa v2 keeps amounts in the currency's major unit as JSON numbers (a ring
// at 1 234,50 € is 1234.5), not in cents as Medusa v1 did. ecrin keeps integer
// cents; these two functions are the only crossings, both exact.

// amountOf writes cents as Medusa's amount: 12345 → 123.45, 100 → 1.
func amountOf(cents int64) json.Number {
	if cents%100 == 0 {
		return json.Number(strconv.FormatInt(cents/100, 10))
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100))
}

// centsOf reads Medusa's amount in cents, exactly (2450.5 → 245050; 0.1 → 10),
// rounding a third decimal half away from zero.
func centsOf(amount json.Number) (int64, error) {
	r, ok := new(big.Rat).SetString(string(amount))
	if !ok {
		return 0, fmt.Errorf("amount %q is not a number", string(amount))
	}
	r.Mul(r, big.NewRat(100, 1))
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("amount %q is out of range", string(amount))
	}
	return q.Int64(), nil
}
