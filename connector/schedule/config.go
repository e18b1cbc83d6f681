// Package schedule decides when ecrin runs: a nightly run at a local time in the
// boutique's time zone, optional runs every few minutes during opening hours, a
// catch-up run at start-up when the nightly one was missed, and a Scheduler loop
// that starts the runs on time and never lets two of them overlap.
//
// Everything here works on an injectable Clock so that tests can move time by
// hand, including across the summer-time changes.
package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Defaults applied by DefaultConfig.
const (
	DefaultTimezone = "Europe/Paris"
	DefaultNightly  = "02:30"
	DefaultCatchUp  = true
)

// Config is the schedule section of ecrin.yaml. Decode the YAML over
// DefaultConfig() so that absent keys keep their defaults.
type Config struct {
	// Timezone is the IANA zone of the boutique, e.g. Europe/Paris.
	Timezone string `yaml:"timezone"`
	// Nightly is the local time of the nightly run, "HH:MM" (24 h). A time that
	// does not exist on the spring-forward night runs when the clocks resume
	// (03:00 in Paris); one that occurs twice in autumn runs once.
	Nightly string `yaml:"nightly"`
	// Interval adds daytime runs every few minutes; nil or Every 0 turns them off.
	Interval *Interval `yaml:"interval,omitempty"`
	// CatchUp runs at start-up when the nightly run was missed (PC switched off).
	CatchUp bool `yaml:"catch_up"`
}

// Interval is a window of runs every Every, from From to To (local times,
// both included) on the listed Days.
type Interval struct {
	// Every is the time between two runs, e.g. 15m; at least one minute.
	Every time.Duration `yaml:"every"`
	// From is the local time of the first run of the day, "HH:MM".
	From string `yaml:"from"`
	// To is the local time after which no run starts, "HH:MM".
	To string `yaml:"to"`
	// Days are the days with runs (mon, tue, wed, thu, fri, sat, sun); empty means every day.
	Days []string `yaml:"days,omitempty"`
}

// DefaultConfig returns the schedule used when ecrin.yaml says nothing: every
// night at 02:30, Paris time, with catch-up.
func DefaultConfig() Config {
	return Config{Timezone: DefaultTimezone, Nightly: DefaultNightly, CatchUp: DefaultCatchUp}
}

// Validate reports the first problem in c, naming the key at fault.
func (c Config) Validate() error {
	_, err := New(c)
	return err
}

// clockTime is a time of day in minutes since midnight.
type clockTime int

func (t clockTime) String() string { return fmt.Sprintf("%02d:%02d", t/60, t%60) }

// parseClock parses "HH:MM" (24 h clock).
func parseClock(s string) (clockTime, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return clockTime(t.Hour()*60 + t.Minute()), nil
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// parseDays turns day names into a set; an empty list means every day.
func parseDays(names []string) ([7]bool, error) {
	var set [7]bool
	if len(names) == 0 {
		for i := range set {
			set[i] = true
		}
		return set, nil
	}
	for _, n := range names {
		key := strings.ToLower(strings.TrimSpace(n))
		if len(key) > 3 {
			key = key[:3] // accept "monday"
		}
		d, ok := weekdays[key]
		if !ok {
			return set, fmt.Errorf("%q is not a day (mon, tue, wed, thu, fri, sat, sun)", n)
		}
		set[d] = true
	}
	return set, nil
}
