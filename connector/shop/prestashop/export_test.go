package prestashop

import "time"

// SetClock replaces the adapter's clock (pre-order dates).
func (a *Adapter) SetClock(now func() time.Time) { a.now = now }
