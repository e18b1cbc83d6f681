package demo

import (
	"bytes"
	"context"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/state"
)

func TestDemoTwoNights(t *testing.T) {
	var out bytes.Buffer
	nights, err := Run(context.Background(), Options{Dir: t.TempDir(), Out: &out})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	t.Log(out.String())
	for _, n := range nights {
		t.Logf("%+v", n.Held)
	}
	if len(nights) != 2 {
		t.Fatalf("nights = %d, want 2", len(nights))
	}
	for i, n := range nights {
		if n.Status != state.StatusDone {
			t.Errorf("night %d: status %s, want done", i+1, n.Status)
		}
	}
}
