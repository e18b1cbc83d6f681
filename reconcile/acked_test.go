package reconcile

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestDiffIsDiffMap checks that the compact acknowledged state gives the changes
// the map gives, previous values included, whatever the order the targets were
// added in, with odd values that do not pack.
func TestDiffIsDiffMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	discontinued, _ := AvailabilityOf("discontinued")
	avails := []Availability{InStock, Preorder, Backorder, Unavailable, 0, discontinued}
	random := func(pid, vid string) Decision {
		d := Decision{ProductID: pid, VariantID: vid, Ref: "R" + pid, Published: r.IntN(2) == 0,
			Availability: avails[r.IntN(len(avails))], Quantity: r.IntN(3), PriceCents: int64(r.IntN(3)), RestockDays: r.IntN(2)}
		if r.IntN(50) == 1 {
			d.RestockDays = 1 << 20
		}
		if r.IntN(50) == 0 {
			d.Quantity = 1 << 40
		}
		if r.IntN(50) == 0 {
			d.PriceCents = 1 << 35
		}
		return d
	}
	for round := range 20 {
		var plan []Decision
		acked := map[Target]Decision{}
		b := NewAckedBuilder(0)
		for p := range 200 {
			pid := fmt.Sprintf("p%03d", p)
			if p%40 == 7 {
				pid += strings.Repeat("-", 250+p%10) // around the packed id length's limit
			}
			for v := range r.IntN(3) {
				vid := ""
				if v > 0 {
					vid = fmt.Sprintf("%s-%d", pid, v)
				}
				plan = append(plan, random(pid, vid))
			}
		}
		var adds []Decision
		for _, d := range plan {
			if r.IntN(4) > 0 {
				adds = append(adds, random(d.ProductID, d.VariantID))
			}
		}
		adds = append(adds, random("zz", ""), random("", "x"))
		if round%2 == 1 {
			r.Shuffle(len(adds), func(i, j int) { adds[i], adds[j] = adds[j], adds[i] })
			adds = append(adds, adds[:10]...) // added twice: the last one wins
			for i := range 10 {
				adds[len(adds)-10+i].Quantity++
			}
		}
		for _, d := range adds {
			acked[d.Key()] = d
			b.Add(d.Key(), d.Shown())
		}
		a := b.Done()
		if a.Len() != len(acked) {
			t.Fatalf("round %d: %d targets, want %d", round, a.Len(), len(acked))
		}
		for i := range a.Len() {
			tg := a.Target(i)
			if i > 0 && a.compare(i-1, tg) >= 0 {
				t.Fatalf("round %d: target %d %v out of order", round, i, tg)
			}
			if got, ok := a.Get(tg); !ok || got != acked[tg].Shown() {
				t.Fatalf("round %d: Get(%v) = %+v, %v; want %+v", round, tg, got, ok, acked[tg].Shown())
			}
		}
		if _, ok := a.Get(Target{"nope", ""}); ok {
			t.Fatal("Get of a target never added succeeded")
		}
		if round%3 == 2 {
			r.Shuffle(len(plan), func(i, j int) { plan[i], plan[j] = plan[j], plan[i] })
		}
		want := diffMap(plan, acked)
		for i := range want { // Previous carries the decision's reference and size
			if p := want[i].Previous; p != nil {
				p.Ref, p.Size = want[i].Ref, want[i].Size
			}
		}
		if got := Diff(plan, a); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: Diff differs from diffMap:\n got %+v\nwant %+v", round, got, want)
		}
		if got := AckedFrom(acked); !reflect.DeepEqual(got, a) && round%2 == 0 {
			t.Fatalf("round %d: AckedFrom differs from the builder", round)
		}
	}
	if got := Diff([]Decision{{ProductID: "p"}}, nil); len(got) != 1 || got[0].Previous != nil {
		t.Fatalf("Diff against nothing = %+v", got)
	}
}

// diffMap is Diff written plainly against a map: the oracle the compact Diff is
// checked against.
func diffMap(decisions []Decision, acked map[Target]Decision) []Change {
	var out []Change
	for _, d := range decisions {
		prev, ok := acked[d.Key()]
		if ok && prev.Same(d) {
			continue
		}
		c := Change{Decision: d}
		if ok {
			p := prev
			c.Previous = &p
		}
		out = append(out, c)
	}
	return out
}
