package reconcile

// Change is a decision that differs from what the shop last acknowledged.
type Change struct {
	Decision
	Previous *Decision // what the shop had acknowledged; nil when never pushed
}

// Diff returns the decisions of plan that differ from acked (the state the shop last
// acknowledged), in plan order. A target never acknowledged is a change.
func Diff(decisions []Decision, acked map[Target]Decision) []Change {
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
