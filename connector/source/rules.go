package source

import (
	"fmt"
	"path"
	"time"
)

// Defaults for Rules.
const (
	DefaultPattern        = "stock_*.csv"
	DefaultStableInterval = 10 * time.Second
	DefaultMaxWait        = 10 * time.Minute
	DefaultAttempts       = 3
	DefaultRetryBackoff   = 2 * time.Second
)

// What to do with the original file after a successful run (Rules.After).
const (
	AfterKeep   = "keep"
	AfterDelete = "delete"
	AfterMove   = "move"
)

// Markers a site may ask for (Rules.Marker).
const (
	MarkerDone = ".done"
	MarkerOK   = ".ok"
)

// Rules say which file to take and when it is complete. Every backend's
// options embed them inline.
type Rules struct {
	// Pattern selects extract files by name (path.Match glob); the newest
	// match by modification time is taken. Default "stock_*.csv".
	Pattern string `yaml:"pattern"`
	// Marker, when set (".done" or ".ok"), makes a file complete only once a
	// marker file exists beside it: "stock_1.csv.done" or "stock_1.done".
	// When empty the file is complete when its size and modification time
	// are the same over two polls StableInterval apart.
	Marker string `yaml:"marker"`
	// StableInterval is the time between the two polls. Default 10s.
	StableInterval time.Duration `yaml:"stable_interval"`
	// MaxWait bounds how long Fetch waits for a file that keeps changing
	// before it gives up with ErrNoExtract. Default 10m.
	MaxWait time.Duration `yaml:"max_wait"`
	// After says what to do with the original file once the run succeeded:
	// "keep" (default), "delete" or "move" (to MoveTo).
	After string `yaml:"after"`
	// MoveTo is the folder files are moved to when After is "move".
	MoveTo string `yaml:"move_to"`
	// Attempts bounds the tries of one operation (listing, download) on
	// temporary errors and short transfers. Default 3.
	Attempts int `yaml:"attempts"`
	// RetryBackoff is the wait before the second try; it doubles after each
	// try. Default 2s.
	RetryBackoff time.Duration `yaml:"retry_backoff"`
}

// WithDefaults returns r with its zero fields set to the defaults.
func (r Rules) WithDefaults() Rules {
	if r.Pattern == "" {
		r.Pattern = DefaultPattern
	}
	if r.StableInterval == 0 {
		r.StableInterval = DefaultStableInterval
	}
	if r.MaxWait == 0 {
		r.MaxWait = DefaultMaxWait
	}
	if r.After == "" {
		r.After = AfterKeep
	}
	if r.Attempts == 0 {
		r.Attempts = DefaultAttempts
	}
	if r.RetryBackoff == 0 {
		r.RetryBackoff = DefaultRetryBackoff
	}
	return r
}

// Validate reports the first invalid setting.
func (r Rules) Validate() error {
	if _, err := path.Match(r.Pattern, ""); err != nil {
		return fmt.Errorf("pattern %q: %w", r.Pattern, err)
	}
	switch r.Marker {
	case "", MarkerDone, MarkerOK:
	default:
		return fmt.Errorf("marker %q: want %q, %q or empty", r.Marker, MarkerDone, MarkerOK)
	}
	switch r.After {
	case AfterKeep, AfterDelete:
	case AfterMove:
		if r.MoveTo == "" {
			return fmt.Errorf("after %q needs move_to", r.After)
		}
	default:
		return fmt.Errorf("after %q: want %q, %q or %q", r.After, AfterKeep, AfterDelete, AfterMove)
	}
	if r.StableInterval < 0 || r.MaxWait < 0 || r.RetryBackoff < 0 {
		return fmt.Errorf("stable_interval, max_wait and retry_backoff must not be negative")
	}
	if r.Attempts < 1 {
		return fmt.Errorf("attempts %d: want at least 1", r.Attempts)
	}
	return nil
}
