package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// Approve releases a run a guard held: its archived extract is processed again
// against today's catalog, and pushed whatever the guards say. The held run is then
// marked approved.
func (s *Site) Approve(ctx context.Context, id state.RunID) (Outcome, error) {
	end, err := s.begin()
	if err != nil {
		return Outcome{}, err
	}
	defer end()
	run, err := s.store.Run(ctx, id)
	if err != nil {
		return Outcome{}, fmt.Errorf("approve run %d: %w", id, err)
	}
	if run.Status != state.StatusHeld {
		return Outcome{}, fmt.Errorf("approve run %d: it is %s, only a held run can be approved", id, run.Status)
	}
	b, err := s.store.RunData(ctx, id, dataExtract)
	if err != nil {
		return Outcome{}, fmt.Errorf("approve run %d: its extract is not recorded: %w", id, err)
	}
	var ext source.Extract
	if err := json.Unmarshal(b, &ext); err != nil {
		return Outcome{}, fmt.Errorf("approve run %d: decode its extract: %w", id, err)
	}
	if _, err := s.recover(ctx); err != nil {
		return Outcome{}, err
	}
	return s.process(ctx, TriggerApprove, ext, &run)
}

// Rollback pushes back, for every product and size a run changed, the value the shop
// had acknowledged before it. Targets the shop had never acknowledged before that run
// are left as they are and counted.
func (s *Site) Rollback(ctx context.Context, id state.RunID) (Outcome, int, error) {
	end, err := s.begin()
	if err != nil {
		return Outcome{}, 0, err
	}
	defer end()
	orig, err := s.store.Run(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		return Outcome{}, 0, fmt.Errorf("roll back run %d: no such run in the history (runs older than report.keep_days, %d days, are removed): %w",
			id, s.cfg.Report.KeepDays, err)
	}
	if err != nil {
		return Outcome{}, 0, fmt.Errorf("roll back run %d: %w", id, err)
	}
	replaced, err := s.store.Replaced(ctx, id)
	if err != nil {
		return Outcome{}, 0, fmt.Errorf("roll back run %d: %w", id, err)
	}
	if _, err := s.recover(ctx); err != nil {
		return Outcome{}, 0, err
	}
	var changes []reconcile.Change
	unknown := 0
	for _, r := range replaced {
		if r.Before == nil {
			unknown++
			continue
		}
		changes = append(changes, reconcile.Change{Decision: *r.Before})
	}
	started := s.now().UTC()
	rid, err := s.store.BeginRun(ctx, state.RunStart{Started: started, Trigger: fmt.Sprintf("%s of run %d", TriggerRollback, id),
		ExtractName: orig.ExtractName, ExtractSHA256: orig.ExtractSHA256, Profile: orig.Profile})
	if err != nil {
		return Outcome{}, 0, err
	}
	rep := report.Run{ID: fmt.Sprint(rid), Site: s.siteName(), Profile: orig.Profile, File: orig.ExtractName,
		SHA256: orig.ExtractSHA256, Started: started, TimeZone: s.cfg.Site.Timezone,
		Verdict: report.Verdict{Status: report.StatusAccepted}}
	for _, c := range changes {
		o := report.Outcome{Ref: c.Ref, Size: c.Size, ProductID: c.ProductID, VariantID: c.VariantID,
			Availability: c.Availability.String(), Quantity: c.Quantity, PriceCents: c.PriceCents, RestockDays: c.RestockDays, Reason: c.Reason.String()}
		if c.Published {
			rep.Published = append(rep.Published, o)
		} else {
			rep.Unpublished = append(rep.Unpublished, o)
		}
	}
	batches, err := s.makeBatches(ctx, orig.ExtractSHA256, rid, changes)
	if err != nil {
		return Outcome{RunID: rid}, unknown, err
	}
	// The shop goes back to the night before: that night's figures are what the
	// guards compare the next extract with.
	restored := state.RunEnd{Status: state.StatusRunning}
	if before, ok, err := s.acceptedBefore(ctx, id); err != nil {
		return Outcome{RunID: rid}, unknown, err
	} else if ok {
		restored.Rows, restored.Matched, restored.MatchRate = before.Rows, before.Matched, before.MatchRate
		restored.Published, restored.Unpublished = before.Published, before.Unpublished
	}
	if err := s.pushRun(ctx, rid, batches, restored, &rep); err != nil {
		return Outcome{RunID: rid}, unknown, err
	}
	origEnd := orig.RunEnd
	origEnd.Status = state.StatusRolledBack
	if err := s.store.FinishRun(ctx, id, origEnd); err != nil {
		return Outcome{RunID: rid}, unknown, err
	}
	run, err := s.store.Run(ctx, rid)
	if err != nil {
		return Outcome{RunID: rid}, unknown, err
	}
	return Outcome{RunID: rid, Status: run.Status, Pushed: run.Pushed, ReportPath: s.writtenReport(rep), Duration: time.Since(started)}, unknown, nil
}

// acceptedBefore returns the newest accepted run older than id.
func (s *Site) acceptedBefore(ctx context.Context, id state.RunID) (state.Run, bool, error) {
	runs, err := s.store.Runs(ctx, 0)
	if err != nil {
		return state.Run{}, false, err
	}
	for _, r := range runs { // newest first
		if r.ID < id && (r.Status == state.StatusDone || r.Status == state.StatusApproved) {
			return r, true, nil
		}
	}
	return state.Run{}, false, nil
}
