package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/logging"
	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// Run triggers, as the history shows them.
const (
	TriggerSchedule = "schedule"
	TriggerCatchUp  = "catch-up"
	TriggerManual   = "manual"
	TriggerApprove  = "approve"
	TriggerRollback = "rollback"
)

// maxProblems caps the row problems a report lists, maxListed the changes; the
// counts stay exact (the whole product list is `ecrin report RUN --full`).
const (
	maxProblems = 50_000
	maxListed   = 50_000
	// maxSuggested caps the unmatched lines a nightly run looks for suggestions
	// for: the same references come back night after night, and a precheck (the
	// onboarding, where the list is written) looks for all of them.
	maxSuggested = 2_000
)

// Outcome is what one run did, for the CLI and the logs.
type Outcome struct {
	RunID       state.RunID
	Status      state.Status
	Extract     string // extract file name
	Rows        int    // rows read
	RowErrors   int
	Matched     int
	Published   int
	Unpublished int
	Pushed      int // decisions sent (acknowledged)
	Resumed     int // batches of an interrupted push sent first
	Rejected    int
	Held        []reconcile.GuardReason
	ReportPath  string // "" when the report could not be written (the log says why; the next start writes it)
	Duration    time.Duration
}

// RunOnce runs the site once: finishes what a crash left in the push journal, takes
// the newest complete extract, and processes it. Without a new extract it returns
// an Outcome with StatusNoExtract and records nothing.
func (s *Site) RunOnce(ctx context.Context, trigger string) (Outcome, error) {
	end, err := s.begin()
	if err != nil {
		return Outcome{}, err
	}
	defer end()
	defer s.retain(ctx)
	resumed, err := s.recover(ctx)
	if err != nil {
		return Outcome{Resumed: resumed}, err
	}
	if resumed > 0 {
		s.log.Info().Int("batches", resumed).Msg("interrupted push finished")
	}
	fetchStart := time.Now()
	ext, err := s.src.Fetch(ctx)
	if errors.Is(err, source.ErrNoExtract) {
		s.log.Debug().Str("source", s.src.String()).Msg("no new extract")
		return Outcome{Status: state.StatusNoExtract, Resumed: resumed}, nil
	}
	if err != nil {
		return Outcome{Resumed: resumed}, fmt.Errorf("fetch extract from %s: %w", s.src, err)
	}
	s.log.Debug().Str("extract", ext.Name).Dur("took", time.Since(fetchStart)).Msg("extract fetched and archived")
	out, err := s.process(ctx, trigger, ext, nil)
	out.Resumed = resumed
	if err == nil && out.Status == state.StatusDone {
		if derr := s.src.Done(ctx, ext); derr != nil {
			s.log.Warn().Err(derr).Str("extract", ext.Name).Msg("after-run action on the source failed")
		}
	}
	return out, err
}

// retain removes from the state file and the extracts' archive what is older than
// report.keep_days and no longer needed (state.Prune, source.PruneArchive), after
// each run, under the run lock. A failure is logged and never fails the run: the
// next one tries again.
func (s *Site) retain(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	defer func(start time.Time) { s.log.Debug().Dur("took", time.Since(start)).Msg("retention done") }(time.Now())
	days := s.cfg.Report.KeepDays
	st, err := s.store.Prune(ctx, s.now(), state.Retention{KeepDays: days, KeepLastWith: []string{dataFullResync}})
	if err != nil {
		s.log.Warn().Err(err).Msg("retention: remove old runs from the state file")
	} else if st != (state.PruneStats{}) {
		s.log.Debug().Int("runs", st.Runs).Int("emptied", st.Emptied).Int64("run_data", st.RunData).
			Int64("batches", st.Batches).Int64("compacted", st.Compacted).Int64("item_results", st.ItemResults).
			Int64("replaced", st.Replaced).Int64("freed_pages", st.FreedPages).Msg("retention: old runs removed from the state file")
	}
	if n, err := s.store.CompactCatalog(ctx); err != nil {
		s.log.Warn().Err(err).Msg("retention: pack the kept catalog")
	} else if n > 0 {
		s.log.Debug().Int("publications", n).Msg("retention: the publications the shop accepted packed into the kept catalog")
	}
	keep, err := s.store.ExtractsToKeep(ctx)
	if err != nil {
		s.log.Warn().Err(err).Msg("retention: archived extracts left as they are")
		return
	}
	removed, err := source.PruneArchive(s.cfg.ArchiveDir(), days, keep, s.now())
	if err != nil {
		s.log.Warn().Err(err).Msg("retention: remove old archived extracts")
	}
	if len(removed) > 0 {
		s.log.Debug().Int("removed", len(removed)).Strs("files", removed).Msg("retention: old archived extracts removed")
	}
}

// process reads, reconciles, guards and pushes one archived extract. approved, when
// set, is the held run a CSM released: the guards are recorded but do not hold.
func (s *Site) process(ctx context.Context, trigger string, ext source.Extract, approved *state.Run) (Outcome, error) {
	started := s.now().UTC()
	log := s.log.With().Str("extract", ext.Name).Logger()
	id, err := s.store.BeginRun(ctx, state.RunStart{
		Started: started, Trigger: trigger, ExtractName: ext.Name, ExtractSHA256: ext.SHA256, Profile: s.cfg.ERP.Profile,
	})
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{RunID: id, Extract: ext.Name}
	log = log.With().Int64("run", int64(id)).Logger()
	fail := func(err error) (Outcome, error) {
		out.Status = state.StatusFailed
		_ = s.store.FinishRun(context.WithoutCancel(ctx), id, state.RunEnd{Finished: s.now().UTC(), Status: state.StatusFailed, Error: err.Error()})
		log.Error().Err(err).Msg("run failed")
		return out, err
	}
	if err := s.store.SaveRunData(ctx, id, dataExtract, mustJSON(ext)); err != nil {
		return fail(err)
	}

	resync, err := s.resyncDue(ctx, started)
	if err != nil {
		return fail(err)
	}
	// The acknowledged state is read from the state file while the catalog and
	// the extract are: it does not change until this run pushes.
	loadCtx, cancelLoads := context.WithCancel(ctx)
	defer cancelLoads()
	ackedLoad := inBackground(func() (*reconcile.Acked, error) { return s.store.Acked(loadCtx) })
	step := stepTimer(&log)
	catalog, err := s.catalog(ctx, resync)
	if err != nil {
		return fail(fmt.Errorf("fetch catalog: %w", err))
	}
	step("catalog")
	catalogProblems := reconcile.CatalogProblems(catalog) // before the engine's peak: its memory is given back
	orders, err := s.shop.OpenOrders(ctx)
	if err != nil {
		return fail(fmt.Errorf("fetch open web orders: %w", err))
	}
	m, err := s.mapper(ctx)
	if err != nil {
		return fail(fmt.Errorf("mapping: %w", err))
	}
	engine := reconcile.NewEngine(catalog, s.cfg.Rules, m)
	engine.LimitSuggestions(maxSuggested)
	subtract := !s.shop.Traits().Reserves
	if subtract {
		engine.Reserve(soldOnline(orders))
	}
	step("open orders and mapping")
	res, err := readExtract(ctx, s.reader, ext.Name, ext.Path, engine)
	if err != nil {
		return fail(err)
	}
	step("extract read and planned")
	plan := res.plan
	out.Rows, out.RowErrors, out.Matched = res.summary.Rows, res.summary.RowErrors, plan.Stats.Matched
	out.Published, out.Unpublished = plan.Stats.Published, plan.Stats.Unpublished

	prev, hasPrev, err := s.store.LastAccepted(ctx)
	if err != nil {
		return fail(err)
	}
	gi := reconcile.GuardInput{Stats: plan.Stats, FileError: res.fileError, Limits: s.cfg.Guards, Catalog: catalogProblems}
	if hasPrev {
		gi.Previous = &reconcile.RunFacts{Rows: prev.Rows, MatchRate: prev.MatchRate, Published: prev.Published}
	}
	verdict := reconcile.Guard(gi)
	acked, err := ackedLoad.wait()
	if err != nil {
		return fail(err)
	}
	step("acknowledged state")
	changes := reconcile.Diff(plan.Decisions, acked)
	if resync {
		changes = everything(plan.Decisions, acked)
		log.Info().Int("items", len(changes)).Msg("full resync: every decision is pushed again")
	}

	facts := report.Facts{
		ID: fmt.Sprint(id), Site: s.siteName(), Profile: s.cfg.ERP.Profile, File: ext.Name, SHA256: ext.SHA256,
		TimeZone: s.cfg.Site.Timezone, Started: started, Read: res.summary, Problems: res.problems, MaxListed: maxListed, MaxSuggested: maxSuggested,
		Catalog: catalog, Changes: changes, Verdict: verdict, SoldOnline: soldOnlineReport(orders, subtract),
	}
	if approved != nil {
		facts.Status = report.StatusAccepted
	}
	rep := report.FromPlan(plan, facts)
	step("diff and report")
	if approved != nil {
		rep.Verdict.Reasons = append(rep.Verdict.Reasons, report.Reason{Code: report.GuardApproved, Detail: fmt.Sprintf("run %d", approved.ID)})
	}

	end := state.RunEnd{
		Status: state.StatusRunning, Rows: res.summary.Rows, Matched: plan.Stats.Matched, MatchRate: plan.Stats.MatchRate(),
		Published: plan.Stats.Published, Unpublished: plan.Stats.Unpublished, Verdict: mustJSON(verdict.Reasons),
	}
	// The night's big part ends here: the catalog, the engine, the acknowledged
	// state and every decision are no longer needed — what goes on is tonight's
	// changes and the report. Collected now, the push does not grow the process
	// on top of them (150 MB of peak memory at a million products, for 30 ms).
	plan, res.plan, facts = reconcile.Plan{}, reconcile.Plan{}, report.Facts{}
	runtime.GC()
	if verdict.Held && approved == nil {
		out.Status, out.Held = state.StatusHeld, verdict.Reasons
		end.Status, end.Finished = state.StatusHeld, s.now().UTC()
		rep.Finished = end.Finished
		if err := s.finish(ctx, id, end, &rep, &out); err != nil {
			return fail(err)
		}
		ev := logging.Held(&log)
		for _, r := range verdict.Reasons {
			ev = ev.Str(r.Code, r.Message)
		}
		ev.Msg("run held by a guard: nothing was sent; `ecrin approve` releases it")
		return out, nil
	}

	if resync {
		if err := s.store.SaveRunData(ctx, id, dataFullResync, mustJSON(started)); err != nil {
			return fail(err)
		}
	}
	batches, err := s.makeBatches(ctx, ext.SHA256, id, changes)
	if err != nil {
		return fail(err)
	}
	step("journal")
	log.Info().Int("rows", out.Rows).Int("matched", out.Matched).Int("changes", len(changes)).Int("batches", len(batches)).Msg("plan ready, pushing")
	if err := s.pushRun(ctx, id, batches, end, &rep); err != nil {
		// The journal keeps the batches and the run stays running: the next start
		// sends them with the same keys and completes it.
		out.Status = state.StatusRunning
		log.Error().Err(err).Msg("push interrupted: the next start resumes it")
		return out, err
	}
	step("push and report")
	run, err := s.store.Run(ctx, id)
	if err != nil {
		return fail(err)
	}
	// pushRun completed rep in place: its counts are the run's.
	out.Status, out.Pushed, out.ReportPath, out.Rejected = run.Status, run.Pushed, s.writtenReport(rep), rep.Counts.Rejected
	if approved != nil {
		approvedEnd := approved.RunEnd
		approvedEnd.Status, approvedEnd.Finished = state.StatusApproved, s.now().UTC()
		if err := s.store.FinishRun(ctx, approved.ID, approvedEnd); err != nil {
			return fail(err)
		}
	}
	out.Duration = s.now().Sub(started)
	log.Info().Int("pushed", out.Pushed).Str("report", out.ReportPath).Dur("took", out.Duration).Msg("run done")
	return out, nil
}

// catalog returns the shop's catalog. A shop that can say what changed
// (shop.CatalogDeltas) sends only that: the catalog is kept in the state file and
// updated. It is fetched whole the first time, on a full resync, and when the shop
// no longer knows the kept cursor.
func (s *Site) catalog(ctx context.Context, whole bool) ([]reconcile.Product, error) {
	d, ok := s.shop.(shop.CatalogDeltas)
	if !ok {
		return s.shop.Catalog(ctx)
	}
	cursor, err := s.store.CatalogCursor(ctx)
	if err != nil {
		return nil, err
	}
	if cursor != "" && !whole {
		// The kept catalog is read from the state file while the shop says what
		// changed.
		keptLoad := inBackground(func() ([]reconcile.Product, error) { return s.store.Catalog(ctx) })
		changed, removed, next, err := d.CatalogChanges(ctx, cursor)
		kept, keptErr := keptLoad.wait()
		switch {
		case errors.Is(err, shop.ErrCursorExpired):
			s.log.Info().Msg("the shop no longer knows the catalog's last cursor: fetched whole")
		case err != nil:
			return nil, err
		case keptErr != nil:
			s.log.Warn().Err(keptErr).Msg("the catalog kept in the state file cannot be read: fetched whole")
		case kept == nil:
			s.log.Info().Msg("no catalog kept in the state file: fetched whole")
		default:
			catalog, writes := mergeCatalog(kept, changed, removed)
			var save error
			if len(writes) > 0 || len(removed) > 0 {
				save = s.store.SaveCatalog(ctx, catalog, next)
			} else {
				save = s.store.SaveCatalogCursor(ctx, next)
			}
			if save != nil {
				return nil, save
			}
			s.log.Debug().Int("changed", len(changed)).Int("written", len(writes)).Int("removed", len(removed)).Msg("catalog changes fetched")
			return catalog, nil
		}
	}
	catalog, next, err := d.CatalogWithCursor(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.store.SaveCatalog(ctx, catalog, next); err != nil {
		return nil, err
	}
	return catalog, nil
}

// mergeCatalog applies the shop's changes to the kept catalog (sorted by id), and
// returns it, still sorted, with the products that differ from what was kept: only
// those are written back (the shop also lists as changed the publications the last
// push made, which the state file already applied).
func mergeCatalog(kept, changed []reconcile.Product, removed []string) (catalog, writes []reconcile.Product) {
	find := func(id string) (int, bool) {
		return slices.BinarySearchFunc(kept, id, func(p reconcile.Product, id string) int { return strings.Compare(p.ID, id) })
	}
	var added []reconcile.Product
	for _, c := range changed {
		i, ok := find(c.ID)
		switch {
		case !ok:
			added = append(added, c)
		case reflect.DeepEqual(kept[i], c):
			continue
		default:
			kept[i] = c
		}
		writes = append(writes, c)
	}
	gone := false
	for _, id := range removed {
		if i, ok := find(id); ok {
			kept[i].ID, gone = "", true
		}
	}
	if gone {
		kept = slices.DeleteFunc(kept, func(p reconcile.Product) bool { return p.ID == "" })
	}
	if len(added) > 0 {
		kept = append(kept, added...)
		slices.SortFunc(kept, func(a, b reconcile.Product) int { return strings.Compare(a.ID, b.ID) })
	}
	return kept, writes
}

// resyncDue tells whether this run pushes every decision again, to heal whatever
// drifted in the shop (an edit by hand, a restore): when full_resync_every is set
// and the last full resync is older than that, or there was none.
func (s *Site) resyncDue(ctx context.Context, now time.Time) (bool, error) {
	every := s.cfg.Push.FullResyncEvery
	if every <= 0 {
		return false, nil
	}
	last, ok, err := s.store.LastAcceptedWith(ctx, dataFullResync)
	if err != nil || !ok {
		return err == nil, err
	}
	return now.Sub(last.Started) >= every, nil
}

// everything turns every decision into a change, for a full resync.
func everything(decisions []reconcile.Decision, acked *reconcile.Acked) []reconcile.Change {
	out := make([]reconcile.Change, len(decisions))
	for i, d := range decisions {
		out[i].Decision = d
		if sh, ok := acked.Get(d.Key()); ok {
			prev := reconcile.Decision{ProductID: d.ProductID, VariantID: d.VariantID, Ref: d.Ref, Size: d.Size,
				Published: sh.Published, Availability: sh.Availability, Quantity: sh.Quantity,
				PriceCents: sh.PriceCents, RestockDays: sh.RestockDays}
			out[i].Previous = &prev
		}
	}
	return out
}

// soldOnline sums the open web orders per product or variant.
func soldOnline(orders []shop.OrderLine) map[reconcile.Target]int {
	sold := make(map[reconcile.Target]int, len(orders))
	for _, o := range orders {
		sold[o.Target()] += o.Quantity
	}
	return sold
}

// soldOnlineReport lists the open web orders for the report, oldest first.
func soldOnlineReport(orders []shop.OrderLine, subtracted bool) []report.SoldOnline {
	out := make([]report.SoldOnline, len(orders))
	for i, o := range orders {
		out[i] = report.SoldOnline{Order: o.Order, PlacedAt: o.PlacedAt.UTC(), Ref: o.Ref, Size: o.Size, Quantity: o.Quantity,
			ProductID: o.ProductID, VariantID: o.VariantID, Subtracted: subtracted}
	}
	slices.SortStableFunc(out, func(a, b report.SoldOnline) int {
		if c := a.PlacedAt.Compare(b.PlacedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Order, b.Order)
	})
	return out
}

func (s *Site) siteName() string {
	if s.cfg.Site.Name != "" {
		return s.cfg.Site.Name
	}
	return s.cfg.Site.ID
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encode %T: %v", v, err)) // plain data types: cannot fail
	}
	return b
}
