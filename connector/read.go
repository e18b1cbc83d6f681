package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// lineBatch is how many lines the reader hands the engine at once.
const lineBatch = 4096

// readResult is an extract read through the engine.
type readResult struct {
	plan      reconcile.Plan
	summary   erp.Summary
	problems  []erp.Problem // the first maxProblems; the summary counts them all
	fileError string        // the file error's message, empty when the extract was accepted
}

// readExtract reads the extract at path (named name in every message) into the
// engine and makes the plan. The reader decodes on one core while the engine folds
// the lines on another: they pass in batches, in file order, so the plan is the same
// as line by line. A file error is not an error here: it is in fileError, for the
// guards to hold the run.
func readExtract(ctx context.Context, r erp.Reader, name, path string, eng *reconcile.Engine) (readResult, error) {
	return readExtractInto(ctx, r, name, path, func() (*reconcile.Engine, error) { return eng, nil })
}

// readExtractInto is readExtract with an engine that engine makes on the folding
// goroutine, while the extract is already being decoded (a precheck loads its
// catalog meanwhile): until it is made, the decoded batches wait in memory. An
// error of engine is returned as it is, before any of the extract's.
func readExtractInto(ctx context.Context, r erp.Reader, name, path string, engine func() (*reconcile.Engine, error)) (readResult, error) {
	var res readResult
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("open extract: %w", err)
	}
	defer f.Close()

	full := make(chan []reconcile.Line, 2)
	free := make(chan []reconcile.Line, 3)
	for range cap(free) {
		free <- make([]reconcile.Line, 0, lineBatch)
	}
	recycle := func(b []reconcile.Line) {
		select {
		case free <- b[:0]:
		default: // one of the batches made while the engine was being made
		}
	}
	folded := make(chan struct{})
	var ready atomic.Bool // the engine is made (or failed): batches go to it
	var eng *reconcile.Engine
	var engineErr error
	var engineFailed any
	go func() {
		defer close(folded)
		defer func() {
			if p := recover(); p != nil {
				engineFailed = p
				ready.Store(true)
				for b := range full { // let the reader finish: it must never block
					recycle(b)
				}
			}
		}()
		eng, engineErr = engine()
		ready.Store(true)
		if engineErr != nil {
			for b := range full {
				recycle(b)
			}
			return
		}
		for b := range full {
			for i := range b {
				eng.Add(b[i])
			}
			recycle(b)
		}
	}()
	var waiting [][]reconcile.Line // full batches decoded before the engine was made
	var lines lineMaker
	batch := <-free
	sink := erp.Sink{
		Record: func(rec erp.Record) error {
			batch = append(batch, lines.lineOf(rec))
			if len(batch) == lineBatch {
				if !ready.Load() {
					waiting = append(waiting, batch)
					batch = make([]reconcile.Line, 0, lineBatch)
					return nil
				}
				for _, b := range waiting {
					full <- b
				}
				waiting = nil
				full <- batch
				batch = <-free
			}
			return nil
		},
		Problem: func(p erp.Problem) {
			if len(res.problems) < maxProblems {
				res.problems = append(res.problems, p)
			}
		},
	}
	res.summary, err = readRecovering(ctx, r, name, f, sink, func() {
		for _, b := range waiting {
			full <- b
		}
		if len(batch) > 0 {
			full <- batch
		}
		close(full)
	})
	<-folded
	if engineFailed != nil {
		return res, fmt.Errorf("reconcile extract %s: the engine failed: %v", name, engineFailed)
	}
	if engineErr != nil {
		return res, engineErr
	}

	var fe *erp.FileError
	switch {
	case errors.As(err, &fe):
		res.fileError = fe.Error()
	case err != nil:
		return res, fmt.Errorf("read extract %s: %w", name, err)
	}
	res.plan = eng.Plan()
	return res, nil
}

// readRecovering reads with r and then calls done, whatever happens: a reader that
// panics (a hostile extract meets a bug) is a file error of the extract, not a
// service that dies or a goroutine left waiting for the end of the lines.
func readRecovering(ctx context.Context, r erp.Reader, name string, f io.Reader, sink erp.Sink, done func()) (sum erp.Summary, err error) {
	defer done()
	defer func() {
		if p := recover(); p != nil {
			err = &erp.FileError{
				Loc:     erp.Location{File: name},
				Code:    erp.FileFormat,
				Message: fmt.Sprintf("the reader failed on this file (%v); send the file to ecrin's support", p),
			}
		}
	}()
	return r.Read(ctx, name, f, sink)
}
