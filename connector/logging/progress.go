package logging

import (
	"fmt"
	"io"
	"sync"
)

// Progress draws a progress line for a long manual run: redrawn in place on
// a terminal, one line per tenth of the work elsewhere. It is safe for
// concurrent use.
type Progress struct {
	w     io.Writer
	label string
	total int64
	tty   bool

	mu   sync.Mutex
	last int64 // last step drawn, -1 before the first
}

// NewProgress returns a progress line for total units of work; total 0 means
// unknown, and the line then counts.
func NewProgress(w io.Writer, label string, total int64) *Progress {
	return &Progress{w: w, label: label, total: total, tty: isTerminal(w), last: -1}
}

// Set records that done units are done, drawing the line when it changed
// enough to show.
func (p *Progress) Set(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if step := p.step(done); step != p.last {
		p.last = step
		p.draw(done, false)
	}
}

// Done draws the final state and ends the line.
func (p *Progress) Done(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(done, true)
}

// step is what must change for the line to be drawn again: the percentage
// on a terminal, the tenth elsewhere, the thousand when the total is unknown.
func (p *Progress) step(done int64) int64 {
	switch {
	case p.total <= 0:
		return done / 1000
	case p.tty:
		return done * 100 / p.total
	default:
		return done * 10 / p.total
	}
}

// draw writes the line; on a terminal it overwrites the previous one (back
// to the line start, clear to its end) and only the final one ends the line.
func (p *Progress) draw(done int64, final bool) {
	start, end := "", "\n"
	if p.tty {
		start, end = "\r", "\x1b[K"
		if final {
			end += "\n"
		}
	}
	if p.total <= 0 {
		fmt.Fprintf(p.w, "%s%s: %d%s", start, p.label, done, end)
		return
	}
	fmt.Fprintf(p.w, "%s%s: %d/%d (%d%%)%s", start, p.label, done, p.total, done*100/p.total, end)
}
