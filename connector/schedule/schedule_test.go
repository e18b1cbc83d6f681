package schedule

import (
	"strings"
	"testing"
	"time"
)

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustNew(t *testing.T, c Config) *Schedule {
	t.Helper()
	s, err := New(c)
	if err != nil {
		t.Fatalf("New(%+v): %v", c, err)
	}
	return s
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var shopHours = &Interval{Every: 15 * time.Minute, From: "09:30", To: "19:30",
	Days: []string{"mon", "tue", "wed", "thu", "fri", "sat"}}

func TestNext(t *testing.T) {
	nightly := DefaultConfig()
	early := DefaultConfig()
	early.Nightly = "02:00"
	withHours := DefaultConfig()
	withHours.Interval = shopHours
	odd := DefaultConfig()
	odd.Interval = &Interval{Every: 45 * time.Minute, From: "09:00", To: "10:00"}
	ny := DefaultConfig()
	ny.Timezone = "America/New_York"

	tests := []struct {
		name  string
		cfg   Config
		after string // RFC 3339
		want  string // RFC 3339, in UTC
	}{
		{"winter night", nightly, "2026-01-10T03:00:00+01:00", "2026-01-11T01:30:00Z"},
		{"strictly after", nightly, "2026-01-11T02:30:00+01:00", "2026-01-12T01:30:00Z"},
		{"just before", nightly, "2026-01-11T02:29:59+01:00", "2026-01-11T01:30:00Z"},
		{"summer night", nightly, "2026-06-01T12:00:00+02:00", "2026-06-02T00:30:00Z"},
		// 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist.
		{"spring forward runs at 03:00", nightly, "2026-03-28T12:00:00+01:00", "2026-03-29T01:00:00Z"},
		{"spring forward 02:00", early, "2026-03-28T12:00:00+01:00", "2026-03-29T01:00:00Z"},
		{"night after spring forward", nightly, "2026-03-29T03:00:00+02:00", "2026-03-30T00:30:00Z"},
		// 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
		{"fall back runs at the first 02:30", nightly, "2026-10-24T12:00:00+02:00", "2026-10-25T00:30:00Z"},
		{"fall back runs once", nightly, "2026-10-25T02:30:00+02:00", "2026-10-26T01:30:00Z"},
		{"between the two 02:30", nightly, "2026-10-25T02:45:00+02:00", "2026-10-26T01:30:00Z"},
		{"other zone", ny, "2026-01-10T12:00:00Z", "2026-01-11T07:30:00Z"},
		{"window first run", withHours, "2026-06-01T09:00:00+02:00", "2026-06-01T07:30:00Z"},
		{"window next slot", withHours, "2026-06-01T09:30:00+02:00", "2026-06-01T07:45:00Z"},
		{"window mid slot", withHours, "2026-06-01T12:07:00+02:00", "2026-06-01T10:15:00Z"},
		{"window last run included", withHours, "2026-06-01T19:15:00+02:00", "2026-06-01T17:30:00Z"},
		{"after window: nightly", withHours, "2026-06-01T19:30:00+02:00", "2026-06-02T00:30:00Z"},
		{"nightly then window", withHours, "2026-06-02T02:30:00+02:00", "2026-06-02T07:30:00Z"},
		{"sunday: nightly only", withHours, "2026-06-07T02:30:00+02:00", "2026-06-08T00:30:00Z"},
		{"odd step stops before to", odd, "2026-06-01T09:45:00+02:00", "2026-06-02T00:30:00Z"},
		{"odd step second slot", odd, "2026-06-01T09:00:00+02:00", "2026-06-01T07:45:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, tt.cfg)
			got := s.Next(utc(tt.after))
			if want := utc(tt.want); !got.Equal(want) {
				t.Errorf("Next(%s) = %s, want %s", tt.after, got.In(s.Location()), want.In(s.Location()))
			}
		})
	}
}

func TestNextNightlyIgnoresWindow(t *testing.T) {
	c := DefaultConfig()
	c.Interval = shopHours
	s := mustNew(t, c)
	got := s.NextNightly(utc("2026-06-01T09:00:00+02:00"))
	if want := utc("2026-06-02T00:30:00Z"); !got.Equal(want) {
		t.Errorf("NextNightly = %s, want %s", got, want)
	}
}

// A whole year of nights runs exactly once a night, always at 02:30 local
// time except on the spring-forward night.
func TestNextEveryNightOfTheYear(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	loc := paris(t)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	for day := 0; day < 365; day++ {
		next := s.Next(at)
		local := next.In(loc)
		y, m, d := local.Date()
		wantDay := time.Date(2026, 1, 1+day, 0, 0, 0, 0, loc)
		if wy, wm, wd := wantDay.Date(); y != wy || m != wm || d != wd {
			t.Fatalf("run %d on %s, want on %s", day, local, wantDay.Format(time.DateOnly))
		}
		wantClock := "02:30"
		if local.Format(time.DateOnly) == "2026-03-29" {
			wantClock = "03:00"
		}
		if got := local.Format("15:04"); got != wantClock {
			t.Errorf("run on %s at %s, want %s", local.Format(time.DateOnly), got, wantClock)
		}
		at = next
	}
}

func TestMissedSince(t *testing.T) {
	s := mustNew(t, DefaultConfig())
	tests := []struct {
		name      string
		last, now string
		want      bool
	}{
		{"ran last night", "2026-06-02T02:30:00+02:00", "2026-06-02T08:00:00+02:00", false},
		{"PC off last night", "2026-06-01T02:30:00+02:00", "2026-06-02T08:00:00+02:00", true},
		{"off for a week", "2026-05-20T02:30:00+02:00", "2026-06-02T08:00:00+02:00", true},
		{"started before tonight's run", "2026-06-01T02:30:00+02:00", "2026-06-01T23:00:00+02:00", false},
		{"due exactly now", "2026-06-01T02:30:00+02:00", "2026-06-02T02:30:00+02:00", true},
		{"daytime run after the night", "2026-06-02T10:00:00+02:00", "2026-06-02T12:00:00+02:00", false},
		{"never ran", "", "2026-06-02T08:00:00+02:00", false},
		{"last run in the future", "2026-06-03T02:30:00+02:00", "2026-06-02T08:00:00+02:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var last time.Time
			if tt.last != "" {
				last = utc(tt.last)
			}
			if got := s.MissedSince(last, utc(tt.now)); got != tt.want {
				t.Errorf("MissedSince(%s, %s) = %v, want %v", tt.last, tt.now, got, tt.want)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{"bad zone", func(c *Config) { c.Timezone = "Europe/Atlantis" }, "schedule.timezone"},
		{"bad nightly", func(c *Config) { c.Nightly = "25:00" }, "schedule.nightly"},
		{"empty nightly", func(c *Config) { c.Nightly = "" }, "schedule.nightly"},
		{"too frequent", func(c *Config) { c.Interval = &Interval{Every: time.Second, From: "09:00", To: "10:00"} }, "schedule.interval.every"},
		{"bad from", func(c *Config) { c.Interval = &Interval{Every: time.Hour, From: "9h", To: "10:00"} }, "schedule.interval.from"},
		{"bad to", func(c *Config) { c.Interval = &Interval{Every: time.Hour, From: "09:00", To: ""} }, "schedule.interval.to"},
		{"to before from", func(c *Config) { c.Interval = &Interval{Every: time.Hour, From: "19:00", To: "09:00"} }, "is before from"},
		{"bad day", func(c *Config) {
			c.Interval = &Interval{Every: time.Hour, From: "09:00", To: "10:00", Days: []string{"lundi"}}
		}, "schedule.interval.days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() = %v, want an error about %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"defaults", func(*Config) {}},
		{"empty zone is Paris", func(c *Config) { c.Timezone = "" }},
		{"interval off", func(c *Config) { c.Interval = &Interval{} }},
		{"long day names", func(c *Config) {
			c.Interval = &Interval{Every: time.Hour, From: "09:00", To: "10:00", Days: []string{"Monday", " SAT "}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			if err := c.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}
