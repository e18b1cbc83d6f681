package schedule

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// wait bounds every real-time wait of these tests; nothing here sleeps.
const wait = 5 * time.Second

// syncBuffer is a log sink the test reads while the scheduler writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness runs a Scheduler on a FakeClock and records when each run starts.
type harness struct {
	t      *testing.T
	clock  *FakeClock
	sched  *Scheduler
	log    *syncBuffer
	starts chan time.Time
	seen   time.Time // the last run start nextRun returned
	// blocking is set by tests whose job waits: nextRun then returns while
	// the run goes on instead of waiting for its end.
	blocking bool
	cancel   context.CancelFunc
	result   chan error
}

func startHarness(t *testing.T, c Config, now, lastRun time.Time, job Job) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		clock:  NewFakeClock(now),
		log:    &syncBuffer{},
		starts: make(chan time.Time, 100),
		result: make(chan error, 1),
		seen:   lastRun,
	}
	h.sched = NewScheduler(mustNew(t, c), Options{
		Clock:   h.clock,
		Log:     zerolog.New(h.log),
		LastRun: lastRun,
	})
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() {
		h.result <- h.sched.Run(ctx, func(ctx context.Context) error {
			h.starts <- h.clock.Now()
			if job != nil {
				return job(ctx)
			}
			return nil
		})
	}()
	t.Cleanup(func() { h.stop() })
	return h
}

// nextRun steps the clock until a run starts and returns its time. The
// scheduler records the start before it sets its next timer, so reading
// LastRun once a timer waits never races with the next step.
func (h *harness) nextRun(limit int) time.Time {
	h.t.Helper()
	for range limit + 1 {
		if !h.clock.WaitTimers(1, wait) {
			h.t.Fatal("the scheduler set no timer")
		}
		if last := h.sched.LastRun(); !last.Equal(h.seen) {
			h.seen = last
			if !h.blocking {
				h.waitIdle()
			}
			return last
		}
		at, _ := h.clock.NextTimer()
		h.clock.Set(at)
	}
	h.t.Fatalf("no run after %d steps, clock at %s\nlog:\n%s", limit, h.clock.Now(), h.log)
	return time.Time{}
}

// waitIdle waits for the scheduler to see the run end, so that the next
// step does not find it still going.
func (h *harness) waitIdle() {
	h.t.Helper()
	deadline := time.Now().Add(wait)
	for h.sched.Running() {
		if time.Now().After(deadline) {
			h.t.Fatal("the run did not end")
		}
		time.Sleep(time.Millisecond)
	}
}

func (h *harness) stop() error {
	h.cancel()
	select {
	case err := <-h.result:
		h.result <- err // keep it for a second stop
		return err
	case <-time.After(wait):
		h.t.Fatal("Run did not return after cancel")
		return nil
	}
}

const stepsPerDay = 24*60 + 10 // the scheduler wakes at least once a minute

func TestSchedulerAcrossSummerTime(t *testing.T) {
	loc := paris(t)
	h := startHarness(t, DefaultConfig(), time.Date(2026, 3, 27, 20, 0, 0, 0, loc), time.Time{}, nil)
	for _, want := range []string{
		"2026-03-28T02:30:00+01:00",
		"2026-03-29T03:00:00+02:00", // 02:30 does not exist that night
		"2026-03-30T02:30:00+02:00",
	} {
		if got := h.nextRun(stepsPerDay); !got.Equal(utc(want)) {
			t.Fatalf("run at %s, want %s", got.In(loc), want)
		}
	}

	h2 := startHarness(t, DefaultConfig(), time.Date(2026, 10, 24, 20, 0, 0, 0, loc), time.Time{}, nil)
	for _, want := range []string{
		"2026-10-25T02:30:00+02:00", // the first of the two 02:30, and only once
		"2026-10-26T02:30:00+01:00",
	} {
		if got := h2.nextRun(stepsPerDay + 60); !got.Equal(utc(want)) {
			t.Fatalf("run at %s, want %s", got.In(loc), want)
		}
	}
}

func TestSchedulerCatchUp(t *testing.T) {
	loc := paris(t)
	now := time.Date(2026, 6, 3, 8, 0, 0, 0, loc)
	tests := []struct {
		name    string
		catchUp bool
		lastRun time.Time
		want    time.Time
	}{
		{"missed night runs at start-up", true, time.Date(2026, 6, 1, 2, 30, 0, 0, loc), now},
		{"catch-up off waits for tonight", false, time.Date(2026, 6, 1, 2, 30, 0, 0, loc), time.Date(2026, 6, 4, 2, 30, 0, 0, loc)},
		{"nothing missed", true, time.Date(2026, 6, 3, 2, 30, 0, 0, loc), time.Date(2026, 6, 4, 2, 30, 0, 0, loc)},
		{"first start waits", true, time.Time{}, time.Date(2026, 6, 4, 2, 30, 0, 0, loc)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.CatchUp = tt.catchUp
			h := startHarness(t, c, now, tt.lastRun, nil)
			if got := h.nextRun(stepsPerDay); !got.Equal(tt.want) {
				t.Errorf("first run at %s, want %s", got.In(loc), tt.want)
			}
		})
	}
}

func TestSchedulerIntervalWindow(t *testing.T) {
	loc := paris(t)
	c := DefaultConfig()
	c.Interval = &Interval{Every: 2 * time.Hour, From: "09:00", To: "13:00", Days: []string{"fri", "sat"}}
	// Friday 2026-06-05 08:00.
	h := startHarness(t, c, time.Date(2026, 6, 5, 8, 0, 0, 0, loc), time.Time{}, nil)
	want := []time.Time{
		time.Date(2026, 6, 5, 9, 0, 0, 0, loc),
		time.Date(2026, 6, 5, 11, 0, 0, 0, loc),
		time.Date(2026, 6, 5, 13, 0, 0, 0, loc),
		time.Date(2026, 6, 6, 2, 30, 0, 0, loc),
		time.Date(2026, 6, 6, 9, 0, 0, 0, loc),
		time.Date(2026, 6, 6, 11, 0, 0, 0, loc),
		time.Date(2026, 6, 6, 13, 0, 0, 0, loc),
		time.Date(2026, 6, 7, 2, 30, 0, 0, loc), // Sunday: nightly only
		time.Date(2026, 6, 8, 2, 30, 0, 0, loc),
		time.Date(2026, 6, 9, 2, 30, 0, 0, loc),
	}
	for _, w := range want {
		if got := h.nextRun(stepsPerDay); !got.Equal(w) {
			t.Fatalf("run at %s, want %s", got.In(loc), w)
		}
	}
}

func TestSchedulerNoOverlap(t *testing.T) {
	loc := paris(t)
	c := DefaultConfig()
	c.Interval = &Interval{Every: 15 * time.Minute, From: "09:00", To: "18:00"}
	release := make(chan struct{})
	var going, most atomic.Int32
	job := func(ctx context.Context) error {
		n := going.Add(1)
		defer going.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
	h := startHarness(t, c, time.Date(2026, 6, 5, 8, 59, 0, 0, loc), time.Time{}, job)
	h.blocking = true
	first := h.nextRun(10)
	if want := time.Date(2026, 6, 5, 9, 0, 0, 0, loc); !first.Equal(want) {
		t.Fatalf("first run at %s, want %s", first.In(loc), want)
	}
	if h.sched.Trigger() {
		t.Error("Trigger() accepted a manual run while a run is going")
	}
	// The run lasts 50 minutes: the 09:15, 09:30 and 09:45 slots are skipped.
	<-h.starts
	for h.clock.Now().Before(time.Date(2026, 6, 5, 9, 50, 0, 0, loc)) {
		if !h.clock.WaitTimers(1, wait) {
			t.Fatal("the scheduler set no timer")
		}
		at, _ := h.clock.NextTimer()
		h.clock.Set(at)
	}
	if !h.clock.WaitTimers(1, wait) {
		t.Fatal("the scheduler set no timer")
	}
	if last := h.sched.LastRun(); !last.Equal(first) {
		t.Fatalf("a second run started at %s while the first was going", last.In(loc))
	}
	close(release)
	h.waitIdle()
	if got, want := h.nextRun(100), time.Date(2026, 6, 5, 10, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("run after the long one at %s, want %s", got.In(loc), want)
	}
	if err := h.stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
	if most.Load() != 1 {
		t.Errorf("%d runs went at once", most.Load())
	}
	if n := strings.Count(h.log.String(), "run skipped"); n != 3 {
		t.Errorf("%d skipped runs logged, want 3\n%s", n, h.log)
	}
}

func TestSchedulerTrigger(t *testing.T) {
	loc := paris(t)
	now := time.Date(2026, 6, 5, 12, 0, 0, 0, loc)
	h := startHarness(t, DefaultConfig(), now, time.Time{}, nil)
	if !h.clock.WaitTimers(1, wait) {
		t.Fatal("the scheduler set no timer")
	}
	if !h.sched.Trigger() {
		t.Fatal("Trigger() refused a manual run while idle")
	}
	select {
	case at := <-h.starts:
		if !at.Equal(now) {
			t.Errorf("manual run at %s, want %s", at, now)
		}
		h.seen = h.sched.LastRun()
		h.waitIdle()
	case <-time.After(wait):
		t.Fatal("no run after Trigger()")
	}
	// The schedule goes on after a manual run.
	if got, want := h.nextRun(stepsPerDay), time.Date(2026, 6, 6, 2, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("next run at %s, want %s", got.In(loc), want)
	}
}

func TestSchedulerStopCancelsRun(t *testing.T) {
	loc := paris(t)
	c := DefaultConfig()
	c.CatchUp = true
	observed := make(chan error, 1)
	job := func(ctx context.Context) error {
		<-ctx.Done()
		observed <- ctx.Err()
		return ctx.Err()
	}
	h := startHarness(t, c, time.Date(2026, 6, 5, 8, 0, 0, 0, loc), time.Date(2026, 6, 1, 2, 30, 0, 0, loc), job)
	h.blocking = true
	h.nextRun(0)
	if err := h.stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
	select {
	case err := <-observed:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("job saw %v", err)
		}
	default:
		t.Error("Run returned before the job ended")
	}
	if !strings.Contains(h.log.String(), "run cancelled") {
		t.Errorf("log does not say the run was cancelled:\n%s", h.log)
	}
}

func TestSchedulerSurvivesFailingRuns(t *testing.T) {
	loc := paris(t)
	var calls atomic.Int32
	job := func(context.Context) error {
		switch calls.Add(1) {
		case 1:
			return errors.New("source unreachable")
		case 2:
			var m map[string]int
			m["boom"]++ // nil map: panics
		}
		return nil
	}
	h := startHarness(t, DefaultConfig(), time.Date(2026, 6, 5, 8, 0, 0, 0, loc), time.Time{}, job)
	for range 3 {
		h.nextRun(stepsPerDay)
	}
	h.stop()
	log := h.log.String()
	for _, want := range []string{"source unreachable", "run panicked", `"level":"error"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}
