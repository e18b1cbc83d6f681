package mapping

import (
	"errors"
	"strconv"
)

// GTIN is a trade item number — the barcode most ERPs export and brands publish:
// EAN-13, EAN-8, UPC-A (12 digits, the EAN-13 with a leading zero) or GTIN-14. It
// holds the digits read as one number, which is the GTIN-14 form: leading zeros do
// not count, so a UPC-A and its EAN-13, or an EAN-8 and its GTIN-14, are the same
// GTIN. The zero GTIN is none.
type GTIN uint64

// Why a barcode is not a GTIN. None is ever matched: a wrong barcode is a warning.
var (
	ErrGTINSyntax     = errors.New("a barcode is digits only")
	ErrGTINLength     = errors.New("a barcode has 8 to 14 digits")
	ErrGTINCheckDigit = errors.New("the check digit is wrong")
	// ErrGTINScientific: a spreadsheet wrote the barcode as a number in
	// scientific notation ("7.61001E+12"); its last digits are lost for good.
	ErrGTINScientific = errors.New("written in scientific notation by a spreadsheet: digits are lost")
)

// Codes of the barcode problems, for reports (GTINProblem).
const (
	GTINCodeSyntax     = "ean_syntax"
	GTINCodeLength     = "ean_length"
	GTINCodeCheckDigit = "ean_check_digit"
	GTINCodeScientific = "ean_scientific"
)

// GTINProblem returns the report code of an error of ParseGTIN.
func GTINProblem(err error) string {
	switch {
	case errors.Is(err, ErrGTINCheckDigit):
		return GTINCodeCheckDigit
	case errors.Is(err, ErrGTINScientific):
		return GTINCodeScientific
	case errors.Is(err, ErrGTINLength):
		return GTINCodeLength
	}
	return GTINCodeSyntax
}

// ParseGTIN reads a barcode: 8 to 14 digits (spaces between them are allowed) whose
// last is the GS1 check digit of the others. Lengths 8 (EAN-8), 12 (UPC-A), 13
// (EAN-13) and 14 (GTIN-14) are the printed ones; 9 to 11 digits are a GTIN whose
// leading zeros a spreadsheet dropped, still identified by its value and checked by
// its check digit. All zeros is no GTIN.
func ParseGTIN(s string) (GTIN, error) {
	var v uint64
	n, sum := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if n++; n > 14 {
				return 0, ErrGTINLength
			}
			v = v*10 + uint64(c-'0')
		case c == ' ' || c == '\t':
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // no-break space
			i++
		default:
			if scientific(s) {
				return 0, ErrGTINScientific
			}
			return 0, ErrGTINSyntax
		}
	}
	if n < 8 {
		return 0, ErrGTINLength
	}
	if v == 0 {
		return 0, ErrGTINSyntax
	}
	// Weights 3, 1, 3, … from the digit left of the check digit: leading zeros add
	// nothing, so the sum is the same at every length.
	w := v / 10
	for k := 0; w > 0; k++ {
		d := int(w % 10)
		if k%2 == 0 {
			d *= 3
		}
		sum += d
		w /= 10
	}
	if uint64((10-sum%10)%10) != v%10 {
		return 0, ErrGTINCheckDigit
	}
	return GTIN(v), nil
}

// scientific reports whether s looks like a number a spreadsheet wrote in
// scientific notation: digits, one decimal mark, an exponent ("7.61001E+12").
func scientific(s string) bool {
	exp, digits := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == 'E' || c == 'e':
			if exp || digits == 0 {
				return false
			}
			exp = true
		case c == '.' || c == ',' || c == '+' || c == '-' || c == ' ':
		default:
			return false
		}
	}
	return exp
}

// String writes the GTIN as an EAN-13 (13 digits, leading zeros kept) or, when it
// needs them, 14 digits.
func (g GTIN) String() string {
	s := strconv.FormatUint(uint64(g), 10)
	const zeros = "0000000000000"
	if len(s) < 13 {
		s = zeros[:13-len(s)] + s
	}
	return s
}

// WithCheckDigit returns the GTIN whose digits are body followed by its check
// digit, for tests and generators: body is the GTIN's digits without the last.
func WithCheckDigit(body uint64) GTIN {
	sum := 0
	for k, w := 0, body; w > 0; k, w = k+1, w/10 {
		d := int(w % 10)
		if k%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return GTIN(body*10 + uint64((10-sum%10)%10))
}
