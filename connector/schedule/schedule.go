package schedule

import (
	"errors"
	"fmt"
	"time"
)

// minEvery is the shortest interval between two daytime runs.
const minEvery = time.Minute

// Schedule is a validated Config, ready to answer "when is the next run?".
// It is immutable and safe for concurrent use.
type Schedule struct {
	loc     *time.Location
	nightly clockTime
	catchUp bool

	// interval window; every == 0 when there is none
	every    time.Duration
	from, to clockTime
	days     [7]bool
}

// New checks c and compiles it into a Schedule.
func New(c Config) (*Schedule, error) {
	tz := c.Timezone
	if tz == "" {
		tz = DefaultTimezone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("schedule.timezone: load zone %q: %w", tz, err)
	}
	nightly, err := parseClock(c.Nightly)
	if err != nil {
		return nil, fmt.Errorf("schedule.nightly: %w", err)
	}
	s := &Schedule{loc: loc, nightly: nightly, catchUp: c.CatchUp}
	if iv := c.Interval; iv != nil && iv.Every != 0 {
		if iv.Every < minEvery {
			return nil, fmt.Errorf("schedule.interval.every: %s is shorter than %s", iv.Every, minEvery)
		}
		if s.from, err = parseClock(iv.From); err != nil {
			return nil, fmt.Errorf("schedule.interval.from: %w", err)
		}
		if s.to, err = parseClock(iv.To); err != nil {
			return nil, fmt.Errorf("schedule.interval.to: %w", err)
		}
		if s.to < s.from {
			return nil, errors.New("schedule.interval: to " + s.to.String() + " is before from " + s.from.String())
		}
		if s.days, err = parseDays(iv.Days); err != nil {
			return nil, fmt.Errorf("schedule.interval.days: %w", err)
		}
		s.every = iv.Every
	}
	return s, nil
}

// Location is the boutique's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

// CatchUp tells whether a missed nightly run is made up at start-up.
func (s *Schedule) CatchUp() bool { return s.catchUp }

// Next returns the first run time strictly after after: the nightly run or a
// run of the interval window, whichever comes first.
func (s *Schedule) Next(after time.Time) time.Time {
	return s.next(after, true)
}

// NextNightly returns the first nightly run time strictly after after.
func (s *Schedule) NextNightly(after time.Time) time.Time {
	return s.next(after, false)
}

// MissedSince tells whether a nightly run fell due after lastRun and up to now
// without running: the PC was off or the service stopped. A zero lastRun (the
// service never ran) misses nothing, so that installing ecrin does not start a
// run before the site is checked.
func (s *Schedule) MissedSince(lastRun, now time.Time) bool {
	if lastRun.IsZero() || !lastRun.Before(now) {
		return false
	}
	return !s.NextNightly(lastRun).After(now)
}

// next scans the local days around after for the earliest run time after it.
// The interval window can skip up to six days, hence the eight-day horizon.
func (s *Schedule) next(after time.Time, withInterval bool) time.Time {
	local := after.In(s.loc)
	y, m, d := local.Date()
	var best time.Time
	consider := func(t time.Time) {
		if t.After(after) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	for i := -1; i <= 8; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, s.loc) // noon: never in a transition
		consider(s.at(day, int(s.nightly)*60))
		if withInterval && s.every > 0 && s.days[day.Weekday()] {
			last := int(s.to) * 60
			for sec := int(s.from) * 60; sec <= last; sec += int(s.every / time.Second) {
				consider(s.at(day, sec))
			}
		}
		if !best.IsZero() && day.After(best) {
			break
		}
	}
	return best
}

// at returns the instant at which the local clock of day shows sec seconds
// past midnight. A time skipped by a spring-forward change maps to the moment
// the clocks jump (the first instant after it); a time that occurs twice in
// autumn maps to its first occurrence, so a run is never made twice.
func (s *Schedule) at(day time.Time, sec int) time.Time {
	y, m, d := day.Date()
	h, mi, se := sec/3600, sec/60%60, sec%60
	t := time.Date(y, m, d, h, mi, se, 0, s.loc)
	if th, tm, ts := t.Clock(); th != h || tm != mi || ts != se {
		// In a gap: t was shifted by the change. The run is due when the new
		// offset starts.
		start, end := t.ZoneBounds()
		want := time.Date(y, m, d, h, mi, se, 0, time.UTC)
		got := time.Date(t.Year(), t.Month(), t.Day(), th, tm, ts, 0, time.UTC)
		if got.After(want) && !start.IsZero() {
			return start
		}
		if !end.IsZero() {
			return end
		}
		return t
	}
	// Ambiguous: if the same wall clock also showed one offset change earlier,
	// take that first occurrence.
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, offNow := t.Zone()
	_, offBefore := start.Add(-time.Second).Zone()
	if offBefore > offNow {
		earlier := t.Add(-time.Duration(offBefore-offNow) * time.Second)
		if earlier.Before(start) && earlier.In(s.loc).Hour() == h && earlier.In(s.loc).Minute() == mi {
			return earlier
		}
	}
	return t
}
