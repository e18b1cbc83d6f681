package schedule

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
)

// maxSleep bounds how long the Scheduler trusts a timer: it wakes at least this
// often and looks at the wall clock again, so a PC that slept or had its clock
// changed still runs on time.
const maxSleep = time.Minute

// Job is one run. It must return soon after ctx is cancelled.
type Job func(ctx context.Context) error

// Options tune a Scheduler; the zero value is valid.
type Options struct {
	// Clock is the source of time; nil means the system clock.
	Clock Clock
	// Log receives one line per run started, finished, skipped; the zero
	// Logger discards them.
	Log zerolog.Logger
	// LastRun is when the last run started (from the run history), used to
	// decide whether a nightly run was missed. Zero means never.
	LastRun time.Time
}

// Scheduler starts a Job at the times of a Schedule, one run at a time.
type Scheduler struct {
	schedule *Schedule
	clock    Clock
	log      zerolog.Logger

	mu      sync.Mutex
	lastRun time.Time

	trigger chan struct{}
	running atomic.Bool
}

// NewScheduler returns a Scheduler for s.
func NewScheduler(s *Schedule, o Options) *Scheduler {
	clock := o.Clock
	if clock == nil {
		clock = RealClock{}
	}
	return &Scheduler{
		schedule: s,
		clock:    clock,
		log:      o.Log,
		lastRun:  o.LastRun,
		trigger:  make(chan struct{}, 1),
	}
}

// Trigger asks for a run now, outside the schedule. It returns false, and
// asks nothing, when a run is going or already asked for.
func (s *Scheduler) Trigger() bool {
	if s.running.Load() {
		return false
	}
	select {
	case s.trigger <- struct{}{}:
		return true
	default:
		return false
	}
}

// LastRun returns when the last run started.
func (s *Scheduler) LastRun() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastRun
}

// Running tells whether a run is going.
func (s *Scheduler) Running() bool { return s.running.Load() }

// Run starts job at each scheduled time until ctx is cancelled, then cancels
// the run going, waits for it and returns ctx's error. A run still going when
// the next one falls due makes that one skipped (logged), never doubled. A
// failed or panicking run is logged and the schedule goes on.
func (s *Scheduler) Run(ctx context.Context, job Job) error {
	now := s.clock.Now()
	next := s.schedule.Next(now)
	if last := s.LastRun(); s.schedule.CatchUp() && s.schedule.MissedSince(last, now) {
		s.log.Info().Time("last_run", last).Msg("nightly run missed, catching up now")
		next = now
	}
	s.log.Info().Time("next_run", next).Msg("scheduler started")

	var done chan error // nil while no run is going
	for {
		wait := min(next.Sub(now), maxSleep)
		timer := s.clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			if done != nil {
				s.log.Info().Msg("stopping: waiting for the run going to end")
				s.finish(<-done)
			}
			return ctx.Err()

		case <-s.trigger:
			if done == nil {
				s.log.Info().Msg("manual run")
				done = s.start(ctx, job)
			}

		case err := <-done:
			done = nil
			s.finish(err)

		case <-timer.C():
		}
		timer.Stop()

		now = s.clock.Now()
		if now.Before(next) {
			continue
		}
		if done != nil {
			s.log.Warn().Time("due", next).Msg("run skipped: the previous run is still going")
		} else {
			done = s.start(ctx, job)
		}
		next = s.schedule.Next(now)
		s.log.Debug().Time("next_run", next).Msg("next run planned")
	}
}

// start runs job in its own goroutine and returns the channel its result comes on.
func (s *Scheduler) start(ctx context.Context, job Job) chan error {
	s.running.Store(true)
	s.mu.Lock()
	s.lastRun = s.clock.Now()
	s.mu.Unlock()
	s.log.Info().Msg("run started")
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("run panicked: %v\n%s", r, debug.Stack())
			}
		}()
		done <- job(ctx)
	}()
	return done
}

func (s *Scheduler) finish(err error) {
	s.running.Store(false)
	if errors.Is(err, context.Canceled) {
		s.log.Info().Msg("run cancelled")
		return
	}
	if err != nil {
		s.log.Error().Err(err).Msg("run failed")
		return
	}
	s.log.Info().Dur("took", s.clock.Now().Sub(s.LastRun())).Msg("run finished")
}
