// Package service runs ecrin as a system service with
// github.com/kardianos/service: a Windows service or a systemd unit, the
// install | uninstall | start | stop | status commands, and the Program the
// service manager starts and stops.
package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	kservice "github.com/kardianos/service"
	"github.com/rs/zerolog"
)

// StopTimeout bounds how long Stop waits for the work to end once cancelled.
const StopTimeout = 5 * time.Second

// Work is what the service does until ctx is cancelled, typically
// (*schedule.Scheduler).Run. It must return soon after ctx is cancelled.
type Work func(ctx context.Context) error

// Program is the kardianos service.Interface: Start returns at once and runs
// the work in the background; Stop cancels it and waits for it, at most
// StopTimeout.
type Program struct {
	work        Work
	log         zerolog.Logger
	stopTimeout time.Duration
	exit        func(code int)

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewProgram returns a Program running work and logging to log.
func NewProgram(work Work, log zerolog.Logger) *Program {
	return &Program{work: work, log: log, stopTimeout: StopTimeout, exit: os.Exit}
}

// Start starts the work and returns. Should the work end on its own (an
// error it cannot get over), the process exits with status 1, so that the
// service manager restarts it (Restart=on-failure, Windows recovery actions).
func (p *Program) Start(kservice.Service) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.work == nil {
		return errors.New("start service: nothing to run")
	}
	if p.cancel != nil {
		return errors.New("start service: already started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	p.cancel, p.done = cancel, done
	p.log.Info().Msg("service started")
	go func() {
		defer close(done)
		err := p.work(ctx)
		if ctx.Err() != nil {
			return // stopped: Stop reports
		}
		if err == nil {
			err = errors.New("the work ended on its own")
		}
		p.log.Error().Err(err).Msg("service failed, exiting for the service manager to restart it")
		p.exit(1)
	}()
	return nil
}

// Stop cancels the work and waits for it to end, at most StopTimeout.
func (p *Program) Stop(kservice.Service) error {
	p.mu.Lock()
	cancel, done := p.cancel, p.done
	p.mu.Unlock()
	if cancel == nil {
		return nil
	}
	p.log.Info().Msg("service stopping")
	cancel()
	timer := time.NewTimer(p.stopTimeout)
	defer timer.Stop()
	select {
	case <-done:
		p.log.Info().Msg("service stopped")
		return nil
	case <-timer.C:
		p.log.Error().Dur("waited", p.stopTimeout).Msg("service stopped before the run ended")
		return fmt.Errorf("stop service: the run did not end within %s", p.stopTimeout)
	}
}
