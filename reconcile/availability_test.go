package reconcile

import (
	"encoding/json"
	"testing"
)

// TestAvailabilityText: the one-byte Availability and Reason read and write the
// texts the protocol, the state store and the reports use.
func TestAvailabilityText(t *testing.T) {
	// A text ecrin does not know, read back from a state file, is an error: the
	// engine keeps no table of texts it met.
	if _, err := AvailabilityOf("discontinued"); err == nil {
		t.Error("an unknown availability was accepted")
	}
	var d Decision
	if err := json.Unmarshal([]byte(`{"availability":"discontinued"}`), &d); err == nil {
		t.Error("an unknown availability was decoded")
	}
	for _, tt := range []struct {
		a    Availability
		text string
	}{{0, ""}, {InStock, "in_stock"}, {Preorder, "preorder"}, {Backorder, "backorder"}, {Unavailable, "unavailable"}} {
		b, err := json.Marshal(Decision{Availability: tt.a})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"product_id":"","ref":"","published":false,"availability":"` + tt.text + `","quantity":0}`
		if string(b) != want {
			t.Errorf("%s: %s, want %s", tt.text, b, want)
		}
		var d Decision
		if err := json.Unmarshal(b, &d); err != nil || d.Availability != tt.a || d.Availability.String() != tt.text {
			t.Errorf("%s read back as %v (%v)", tt.text, d.Availability, err)
		}
		if again, _ := AvailabilityOf(tt.text); again != tt.a {
			t.Errorf("%s: AvailabilityOf gives %d, want %d", tt.text, again, tt.a)
		}
	}
	for r := Reason(0); r <= ReasonNoPrice; r++ {
		var back Reason
		if b, _ := r.MarshalText(); back.UnmarshalText(b) != nil || back != r {
			t.Errorf("reason %q read back as %q", r, back)
		}
	}
}
