package service

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector/schedule"
)

// The service runs a real Scheduler; stopping it mid-run cancels the run and
// Stop returns once the run has ended, within StopTimeout.
func TestProgramStopsMidRun(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	s, err := schedule.New(schedule.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	clock := schedule.NewFakeClock(time.Date(2026, 6, 5, 8, 0, 0, 0, loc))
	sched := schedule.NewScheduler(s, schedule.Options{
		Clock:   clock,
		LastRun: time.Date(2026, 6, 1, 2, 30, 0, 0, loc), // missed nights: runs at start
	})
	started, ended := make(chan struct{}), make(chan error, 1)
	job := func(ctx context.Context) error {
		close(started)
		<-ctx.Done() // a long run that honours its context
		ended <- ctx.Err()
		return ctx.Err()
	}
	p := NewProgram(func(ctx context.Context) error { return sched.Run(ctx, job) }, zerolog.Nop())
	p.exit = func(code int) { t.Errorf("exit(%d) on a clean stop", code) }

	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(StopTimeout):
		t.Fatal("the run did not start")
	}
	if err := p.Stop(nil); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("run ended with %v, want context.Canceled", err)
		}
	default:
		t.Error("Stop returned before the run ended")
	}
}

func TestProgramStopGivesUpOnStuckWork(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var log syncBuffer
	p := NewProgram(func(context.Context) error { <-release; return nil }, zerolog.New(&log))
	p.stopTimeout = 10 * time.Millisecond
	p.exit = func(int) {}
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	err := p.Stop(nil)
	if err == nil || !strings.Contains(err.Error(), "did not end") {
		t.Errorf("Stop() = %v, want a timeout error", err)
	}
	if !strings.Contains(log.String(), "stopped before the run ended") {
		t.Errorf("log does not say the run was abandoned:\n%s", log.String())
	}
}

func TestProgramExitsWhenWorkFails(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"error", errors.New("state store is corrupt")},
		{"ended on its own", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			codes := make(chan int, 1)
			var log syncBuffer
			p := NewProgram(func(context.Context) error { return tt.err }, zerolog.New(&log))
			p.exit = func(code int) { codes <- code }
			if err := p.Start(nil); err != nil {
				t.Fatal(err)
			}
			select {
			case code := <-codes:
				if code != 1 {
					t.Errorf("exit(%d), want exit(1)", code)
				}
			case <-time.After(StopTimeout):
				t.Fatal("the failed work did not end the process")
			}
			if !strings.Contains(log.String(), `"level":"error"`) {
				t.Errorf("the failure is not logged as an error:\n%s", log.String())
			}
		})
	}
}

func TestProgramStartTwiceAndStopUnstarted(t *testing.T) {
	p := NewProgram(func(ctx context.Context) error { <-ctx.Done(); return nil }, zerolog.Nop())
	if err := p.Stop(nil); err != nil {
		t.Errorf("Stop() before Start() = %v", err)
	}
	if err := p.Start(nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(nil); err == nil {
		t.Error("second Start() succeeded")
	}
	if err := p.Stop(nil); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	if err := NewProgram(nil, zerolog.Nop()).Start(nil); err == nil {
		t.Error("Start() without work succeeded")
	}
}

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
