package connector

import (
	"time"

	"github.com/rs/zerolog"
)

// background is work started on another goroutine, waited for where its result is
// needed: a run reads its state file while the shop answers.
type background[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// inBackground starts f. Its result must be waited for, or f must end on its own
// (it is given a context the caller cancels).
func inBackground[T any](f func() (T, error)) *background[T] {
	b := &background[T]{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.v, b.err = f()
	}()
	return b
}

// wait returns f's result once it is there.
func (b *background[T]) wait() (T, error) {
	<-b.done
	return b.v, b.err
}

// stepTimer returns a function that logs, at debug level, how long the step just
// ended took: where a night's time goes, for whoever reads the log.
func stepTimer(log *zerolog.Logger) func(step string) {
	last := time.Now()
	return func(step string) {
		now := time.Now()
		log.Debug().Str("step", step).Dur("took", now.Sub(last)).Msg("step done")
		last = now
	}
}
