package connector

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// makeBatches cuts a run's changes into batches and gives each its idempotency key.
// The key depends only on the boutique, the state file (its random id), the
// extract, the run and the batch's rank: a replay after a crash sends the same
// key; another run, or the same run number in a state file made again, never
// reuses one.
func (s *Site) makeBatches(ctx context.Context, sha string, id state.RunID, changes []reconcile.Change) ([]state.Batch, error) {
	stateID, err := s.store.StateID(ctx)
	if err != nil {
		return nil, err
	}
	size := s.cfg.Push.BatchSize
	if size <= 0 {
		size = 1
	}
	short := sha
	if len(short) > 12 {
		short = short[:12]
	}
	prefix := fmt.Sprintf("ecrin-%s-%s-%s-r%d", keySafe(s.cfg.Site.ID), stateID, short, id)
	var out []state.Batch
	for i := 0; i < len(changes); i += size {
		end := min(i+size, len(changes))
		items := make([]state.Item, 0, end-i)
		for _, c := range changes[i:end] {
			items = append(items, state.ItemOf(c.Decision))
		}
		out = append(out, state.Batch{Key: fmt.Sprintf("%s-b%05d", prefix, len(out)+1), Items: items})
	}
	return out, nil
}

// keySafe keeps the characters an HTTP header value and a log line take as they are.
func keySafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

// pushRun records a run's counts and report model, journals its batches — all of
// them before any is sent, so that a crash resumes with the same keys — and sends
// them. Whatever the moment a crash strikes, recover can close the run: running
// without batches, it is failed and its extract read again; with batches, they are
// sent and it is done.
func (s *Site) pushRun(ctx context.Context, id state.RunID, batches []state.Batch, end state.RunEnd, rep *report.Run) error {
	if err := s.saveReport(ctx, id, rep); err != nil {
		return err
	}
	if err := s.store.FinishRun(ctx, id, end); err != nil {
		return err
	}
	if len(batches) == 0 {
		return s.completeRun(ctx, id, rep)
	}
	if err := s.store.Journal(ctx, id, batches); err != nil {
		return err
	}
	_, err := s.pushPending(ctx, &runReport{id, rep})
	return err
}

// runReport is the report model of a run still in memory: the run that pushes
// completes it without reading it back from the state file.
type runReport struct {
	id  state.RunID
	rep *report.Run
}

// settleWindow is how many recent runs recover looks at for one a crash left
// running.
const settleWindow = 50

// recover finishes what a crash or a stop left: the journaled batches are pushed,
// and the runs still marked running are closed — done when their push is complete,
// failed when they were cut before journaling anything (their extract is then taken
// again). Called with the run lock held, before any new work.
func (s *Site) recover(ctx context.Context) (resumed int, err error) {
	if resumed, err = s.pushPending(ctx, nil); err != nil {
		return resumed, err
	}
	runs, err := s.store.Runs(ctx, settleWindow)
	if err != nil {
		return resumed, err
	}
	defer s.rewriteMissingReports(ctx, runs)
	for _, r := range runs {
		if r.Status != state.StatusRunning {
			continue
		}
		batches, err := s.store.RunBatches(ctx, r.ID)
		if err != nil {
			return resumed, err
		}
		if len(batches) > 0 {
			if err := s.completeRun(ctx, r.ID, nil); err != nil {
				return resumed, err
			}
			continue
		}
		end := r.RunEnd
		end.Status, end.Finished, end.Error = state.StatusFailed, s.now().UTC(), "interrupted before its push; the extract will be read again"
		if err := s.store.FinishRun(ctx, r.ID, end); err != nil {
			return resumed, err
		}
		s.log.Warn().Int64("run", int64(r.ID)).Msg("run interrupted before its push: marked failed, its extract will be read again")
	}
	return resumed, nil
}

// pushPending sends every journaled batch the shop has not acknowledged yet, oldest
// first and each with its own key, then completes the runs they belong to. It is
// how a run pushes, and how the next start finishes a push a crash interrupted.
// It returns how many batches it sent. current, when set, is the report model of
// the run that journaled the batches just now.
func (s *Site) pushPending(ctx context.Context, current *runReport) (int, error) {
	pending, err := s.store.Pending(ctx)
	if err != nil {
		return 0, err
	}
	if len(pending) == 0 {
		return 0, nil
	}
	// The shop works on batch i+1 while the state file records its answer to
	// batch i: the shop still receives them one after the other, in order, and
	// each answer is recorded before the next one.
	send := func(b state.PendingBatch) *background[[]shop.Result] {
		return inBackground(func() ([]shop.Result, error) { return s.sendJournaled(ctx, b.Key, shopItems(b.Items)) })
	}
	var runs []state.RunID
	next := send(pending[0])
	for i, b := range pending {
		if len(runs) == 0 || runs[len(runs)-1] != b.RunID {
			runs = append(runs, b.RunID)
		}
		waiting := time.Now()
		results, err := next.wait()
		answered := time.Now()
		if err != nil {
			return i, fmt.Errorf("push batch %d/%d of run %d: %w", i+1, len(pending), b.RunID, err)
		}
		if i+1 < len(pending) {
			next = send(pending[i+1])
		}
		acks := make([]state.ItemResult, len(results))
		for j, r := range results {
			acks[j] = state.ItemResult{ProductID: r.ProductID, VariantID: r.VariantID, Accepted: r.Accepted, Reason: r.Reason}
		}
		if err := s.store.Ack(ctx, b.Key, acks); err != nil {
			if i+1 < len(pending) {
				next.wait() // sent again, under its key, by the next start
			}
			return i, err
		}
		s.log.Debug().Str("batch", b.Key).Int("items", len(b.Items)).Dur("waited_for_shop", answered.Sub(waiting)).
			Dur("recorded_in", time.Since(answered)).Msg("batch acknowledged")
	}
	for _, id := range runs {
		var rep *report.Run
		if current != nil && current.id == id {
			rep = current.rep
		}
		if err := s.completeRun(ctx, id, rep); err != nil {
			return len(pending), err
		}
	}
	return len(pending), nil
}

// sendBatch sends one journaled batch and returns one result per item. A batch
// the shop cannot take whole — journaled under an earlier configuration, or
// refused as too large — goes in parts whose keys derive from its own, the same
// parts and keys after a crash. A key the shop holds with another content (a
// journal of a state file made again) is sent once more under a key derived from
// this state file's id: the shop applied nothing under the first.
func (s *Site) sendBatch(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	if limit := s.shop.Traits().MaxBatch; limit > 0 && len(items) > limit {
		s.log.Warn().Str("batch", key).Int("items", len(items)).Int("shop_max", limit).
			Msg("batch larger than the shop takes: sent in parts")
		return s.sendParts(ctx, key, items, limit)
	}
	res, err := s.shop.Push(ctx, key, items)
	switch {
	case errors.Is(err, shop.ErrTooLarge) && len(items) > 1:
		s.log.Warn().Str("batch", key).Int("items", len(items)).Msg("the shop refused the batch as too large: sent in halves")
		return s.sendParts(ctx, key, items, (len(items)+1)/2)
	case errors.Is(err, shop.ErrKeyReused) && !strings.HasSuffix(key, "-again"):
		again := key + "-again"
		s.log.Warn().Str("batch", key).Str("new_key", again).
			Msg("the shop already holds this batch key with another content (a state file made again?): it applied nothing; sending under a new key")
		return s.sendBatch(ctx, again, items)
	case errors.Is(err, shop.ErrKeyReused):
		return nil, fmt.Errorf("%w: the shop refused the key %q and its successor; is another connector pushing to this boutique with a copy of this state file?", err, key)
	}
	return res, err
}

// sendParts sends items in parts of at most size, each under key-pN.
func (s *Site) sendParts(ctx context.Context, key string, items []shop.Item, size int) ([]shop.Result, error) {
	out := make([]shop.Result, 0, len(items))
	for part, i := 1, 0; i < len(items); part, i = part+1, i+size {
		res, err := s.sendBatch(ctx, fmt.Sprintf("%s-p%d", key, part), items[i:min(i+size, len(items))])
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// shopItems converts journal rows to the items the shop interface takes.
func shopItems(rows []state.Item) []shop.Item {
	out := make([]shop.Item, len(rows))
	for i, r := range rows {
		out[i] = shop.Item{ProductID: r.ProductID, VariantID: r.VariantID, Ref: r.Ref, Size: r.Size,
			Published: r.Published, Availability: r.Availability, OnHand: r.Quantity,
			PriceCents: r.PriceCents, RestockDays: r.RestockDays}
	}
	return out
}

// completeRun closes a run whose batches are all acknowledged: counts, shop
// rejections in the report, status done. rep is the run's report model when it
// is in memory (it is completed in place); nil reads it from the state file.
func (s *Site) completeRun(ctx context.Context, id state.RunID, rep *report.Run) error {
	run, err := s.store.Run(ctx, id)
	if err != nil {
		return err
	}
	batches, err := s.store.RunBatches(ctx, id)
	if err != nil {
		return err
	}
	end := run.RunEnd
	end.Pushed = 0
	var rejected []state.ItemResult
	for _, b := range batches {
		if !b.Acked {
			return nil // still pending: a later resume completes it
		}
		end.Pushed += b.Items
		for _, r := range b.Results {
			if !r.Accepted {
				rejected = append(rejected, r)
			}
		}
	}
	if end.Status == state.StatusRunning {
		end.Status = state.StatusDone
	}
	end.Finished = s.now().UTC()
	if rep == nil {
		loaded, err := s.loadReport(ctx, id)
		if err != nil {
			s.log.Warn().Err(err).Int64("run", int64(id)).Msg("report model missing: report not written")
			return s.store.FinishRun(ctx, id, end)
		}
		rep = &loaded
	}
	rep.Finished = end.Finished
	rep.Counts.Pushed, rep.Counts.Rejected = end.Pushed, len(rejected)
	rep.Rejections = rejectionsOf(*rep, rejected)
	if len(rejected) > 0 {
		s.log.Warn().Int64("run", int64(id)).Int("rejected", len(rejected)).Msg("the shop rejected some items: see the report")
	}
	out := Outcome{}
	return s.finish(ctx, id, end, rep, &out)
}

// rejectionsOf names the rejected items with their reference and size.
func rejectionsOf(rep report.Run, rejected []state.ItemResult) []report.Rejection {
	type key struct{ p, v string }
	known := map[key]report.Outcome{}
	for _, list := range [][]report.Outcome{rep.Published, rep.Unpublished} {
		for _, o := range list {
			known[key{o.ProductID, o.VariantID}] = o
		}
	}
	out := make([]report.Rejection, 0, len(rejected))
	for _, r := range rejected {
		o := known[key{r.ProductID, r.VariantID}]
		out = append(out, report.Rejection{Ref: o.Ref, Size: o.Size, ProductID: r.ProductID, VariantID: r.VariantID, Reason: r.Reason, Source: o.Source})
	}
	return out
}

// Resume finishes, at start-up, the push a crash or a stop interrupted: the
// journaled batches go out with their own keys, and their runs are completed.
func (s *Site) Resume(ctx context.Context) error {
	end, err := s.begin()
	if err != nil {
		return err
	}
	defer end()
	_, err = s.recover(ctx)
	return err
}
