package erp

import (
	"strconv"
	"testing"
)

func TestLocationLinePrefix(t *testing.T) {
	for _, tc := range []struct {
		loc    Location
		prefix string
		ok     bool
	}{
		{Location{File: "stock.csv", Line: 12}, "stock.csv:", true},
		{Location{File: "stock.xlsx", Sheet: "Stock", Line: 12}, "stock.xlsx Stock!", true},
		{Location{File: "stock.xlsx", Sheet: "Stock", Line: 12, Cell: "F12"}, "", false},
		{Location{File: "stock.xlsx", Sheet: "Stock"}, "", false},
		{Location{File: "stock.csv"}, "", false},
	} {
		prefix, ok := tc.loc.LinePrefix()
		if prefix != tc.prefix || ok != tc.ok {
			t.Errorf("%#v: LinePrefix %q, %v; want %q, %v", tc.loc, prefix, ok, tc.prefix, tc.ok)
		}
		if ok && prefix+strconv.Itoa(tc.loc.Line) != tc.loc.String() {
			t.Errorf("%#v: prefix %q and line %d do not write %q", tc.loc, prefix, tc.loc.Line, tc.loc.String())
		}
	}
}
