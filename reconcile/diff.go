package reconcile

// Change is a decision that differs from what the shop last acknowledged.
type Change struct {
	Decision
	Previous *Decision // what the shop had acknowledged; nil when never pushed
}

// Diff returns the decisions of plan that differ from acked (the state the shop
// last acknowledged, compact), in plan order. A target never acknowledged is a
// change. A change's Previous holds the target's ids, reference and size from the
// decision, and what the shop showed from acked.
func Diff(decisions []Decision, acked *Acked) []Change {
	var (
		out  []Change
		prev []Decision // the changes' Previous, allocated together
		hint int
	)
	for i := range decisions {
		d := &decisions[i]
		at, ok := acked.find(d.Key(), hint)
		hint = at
		if ok {
			hint = at + 1
			if acked.same(at, d) {
				continue
			}
		}
		c := Change{Decision: *d}
		if ok {
			if len(prev) == cap(prev) {
				prev = make([]Decision, 0, max(16, min(len(out), 4096)))
			}
			prev = append(prev, acked.previous(at, d))
			c.Previous = &prev[len(prev)-1]
		}
		out = append(out, c)
	}
	return out
}
