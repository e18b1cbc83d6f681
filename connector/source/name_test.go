package source

import (
	"errors"
	"testing"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"stock_20250131.csv", true},
		{"Stock 2025-01-31.CSV", true},
		{"stock_é.csv", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../stock.csv", false},
		{"a/../../etc/passwd", false},
		{`..\stock.csv`, false},
		{"sub/stock.csv", false},
		{`sub\stock.csv`, false},
		{"/etc/passwd", false},
		{`C:stock.csv`, false},
		{`C:\Windows\stock.csv`, false},
		{"stock.csv:stream", false},
		{"stock\x00.csv", false},
		{"stock\n.csv", false},
		{"stock.csv.", false},
		{"stock.csv ", false},
		{"stock_..csv", false},
	}
	for _, tt := range tests {
		err := CheckName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrUnsafeName) {
			t.Errorf("CheckName(%q) = %v, want ErrUnsafeName", tt.name, err)
		}
	}
}

func TestMarkerNames(t *testing.T) {
	tests := []struct {
		name, marker string
		want         []string
	}{
		{"stock_1.csv", ".done", []string{"stock_1.csv.done", "stock_1.done"}},
		{"stock_1", ".ok", []string{"stock_1.ok"}},
		{"stock_1.csv", "", nil},
	}
	for _, tt := range tests {
		got := MarkerNames(tt.name, tt.marker)
		if len(got) != len(tt.want) {
			t.Fatalf("MarkerNames(%q, %q) = %q, want %q", tt.name, tt.marker, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("MarkerNames(%q, %q) = %q, want %q", tt.name, tt.marker, got, tt.want)
			}
		}
	}
}

func TestRulesValidate(t *testing.T) {
	tests := []struct {
		desc  string
		rules Rules
		ok    bool
	}{
		{"defaults", Rules{}, true},
		{"done marker", Rules{Marker: ".done"}, true},
		{"ok marker", Rules{Marker: ".ok"}, true},
		{"other marker", Rules{Marker: ".ready"}, false},
		{"bad pattern", Rules{Pattern: "stock_[.csv"}, false},
		{"delete", Rules{After: AfterDelete}, true},
		{"move without folder", Rules{After: AfterMove}, false},
		{"move", Rules{After: AfterMove, MoveTo: "done"}, true},
		{"unknown after", Rules{After: "archive"}, false},
		{"negative interval", Rules{StableInterval: -1}, false},
		{"no attempt", Rules{Attempts: -1}, false},
	}
	for _, tt := range tests {
		err := tt.rules.WithDefaults().Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.desc, err, tt.ok)
		}
	}
}
