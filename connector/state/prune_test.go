package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// day0 is the simulated clock's start.
var day0 = time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)

// sim drives a Store the way a run does, on a simulated clock.
type sim struct {
	t   testing.TB
	s   *Store
	ctx context.Context
}

// run records one run started at at: its extract record and report model, its
// batches journaled then (unless pending) acknowledged, and its end with status.
func (m sim) run(at time.Time, status Status, sha string, report []byte, items []Item, batchSize int, pending bool) RunID {
	m.t.Helper()
	id, err := m.s.BeginRun(m.ctx, RunStart{Started: at, Trigger: "schedule", ExtractName: "stock.csv", ExtractSHA256: sha, Profile: "generic"})
	if err != nil {
		m.t.Fatal(err)
	}
	if err := m.s.SaveRunData(m.ctx, id, "extract", []byte(fmt.Sprintf(`{"name":"stock.csv","sha256":%q}`, sha))); err != nil {
		m.t.Fatal(err)
	}
	if err := m.s.SaveRunData(m.ctx, id, "report", report); err != nil {
		m.t.Fatal(err)
	}
	end := RunEnd{Status: status, Finished: at.Add(time.Minute), Rows: 50_000, Matched: 49_000, MatchRate: 0.98, Published: 45_000, Unpublished: 5_000}
	if status == StatusHeld || len(items) == 0 {
		if err := m.s.FinishRun(m.ctx, id, end); err != nil {
			m.t.Fatal(err)
		}
		return id
	}
	var batches []Batch
	for i := 0; i < len(items); i += batchSize {
		batches = append(batches, Batch{Key: fmt.Sprintf("k-r%d-b%d", id, len(batches)+1), Items: items[i:min(i+batchSize, len(items))]})
	}
	if err := m.s.FinishRun(m.ctx, id, RunEnd{Status: StatusRunning}); err != nil {
		m.t.Fatal(err)
	}
	if err := m.s.Journal(m.ctx, id, batches); err != nil {
		m.t.Fatal(err)
	}
	if pending {
		return id
	}
	for _, b := range batches {
		if err := m.s.Ack(m.ctx, b.Key, acceptAll(b.Items)); err != nil {
			m.t.Fatal(err)
		}
	}
	end.Pushed = len(items)
	if err := m.s.FinishRun(m.ctx, id, end); err != nil {
		m.t.Fatal(err)
	}
	return id
}

func (m sim) prune(now time.Time, r Retention) PruneStats {
	m.t.Helper()
	st, err := m.s.Prune(m.ctx, now, r)
	if err != nil {
		m.t.Fatal(err)
	}
	return st
}

// item is target i of the simulated catalog with quantity q.
func item(i, q int) Item {
	return Item{ProductID: fmt.Sprintf("p%06d", i), Ref: fmt.Sprintf("REF%06d", i), Published: q > 0,
		Availability: "in_stock", Quantity: q, PriceCents: int64(10_000 + i)}
}

func items(from, n, q int) []Item {
	out := make([]Item, n)
	for i := range out {
		out[i] = item(from+i, q)
	}
	return out
}

func TestPruneRemovesOldRunsAndKeepsWhatIsNeeded(t *testing.T) {
	s, _ := openTemp(t)
	m := sim{t, s, context.Background()}
	rep := []byte(`{"counts":{}}`)
	// Day 0: a full push (resync) of 10 targets; then one run a day changing one.
	first := m.run(day0, StatusDone, "sha0", rep, items(0, 10, 1), 4, false)
	if err := s.SaveRunData(m.ctx, first, "full_resync", []byte(`"x"`)); err != nil {
		t.Fatal(err)
	}
	oldHeld := m.run(day0.Add(24*time.Hour), StatusHeld, "shaHeldOld", rep, nil, 4, false)
	var ids []RunID
	for d := 2; d < 20; d++ {
		ids = append(ids, m.run(day0.Add(time.Duration(d)*24*time.Hour), StatusDone, fmt.Sprint("sha", d), rep, items(d%10, 1, d), 4, false))
	}
	held := m.run(day0.Add(20*24*time.Hour), StatusHeld, "shaHeld", rep, nil, 4, false)
	pending := m.run(day0.Add(21*24*time.Hour), StatusDone, "shaPending", rep, items(3, 1, 99), 4, true)

	// 10 days kept, 3 runs in the rollback window, on day 25.
	st := m.prune(day0.Add(25*24*time.Hour), Retention{KeepDays: 10, RollbackRuns: 3, KeepLastWith: []string{"full_resync"}})
	t.Logf("%+v", st)

	// The first run: the last full resync, and the acked state names it.
	if r, ok, err := s.LastAcceptedWith(m.ctx, "full_resync"); err != nil || !ok || r.ID != first {
		t.Errorf("last full resync after prune: %v %v %v, want run %d", r.ID, ok, err, first)
	}
	// A held run older than keep_days is gone, with its data.
	if _, err := s.Run(m.ctx, oldHeld); !errors.Is(err, ErrNotFound) {
		t.Errorf("held run older than keep_days: %v, want ErrNotFound", err)
	}
	if _, err := s.RunData(m.ctx, oldHeld, "extract"); !errors.Is(err, ErrPruned) {
		t.Errorf("extract of a pruned run: %v, want ErrPruned", err)
	}
	// The held run within keep_days keeps its extract record (approve).
	if b, err := s.RunData(m.ctx, held, "extract"); err != nil || !bytes.Contains(b, []byte("shaHeld")) {
		t.Errorf("extract of a held run within keep_days: %q %v", b, err)
	}
	// The pending push is untouched.
	p, err := s.Pending(m.ctx)
	if err != nil || len(p) != 1 || p[0].RunID != pending || len(p[0].Items) != 1 {
		t.Fatalf("pending after prune: %+v %v", p, err)
	}
	// The last accepted run (the guards' reference) is the newest done one.
	if r, ok, err := s.LastAccepted(m.ctx); err != nil || !ok || r.ID != ids[19-2] {
		t.Errorf("last accepted: %d %v %v", r.ID, ok, err)
	}
	// Runs of days 2..14 are older than 10 days on day 25; their rows stay only
	// when the acked state names them. Each of days 10..19 set one of the 10
	// targets last, so runs of days 2..9 are removed whole.
	for i, id := range ids {
		d := i + 2
		_, err := s.Run(m.ctx, id)
		switch {
		case d < 10 && !errors.Is(err, ErrNotFound):
			t.Errorf("run of day %d: %v, want removed", d, err)
		case d >= 10 && err != nil:
			t.Errorf("run of day %d: %v, want kept (named by the acked state)", d, err)
		}
		if _, err := s.RunData(m.ctx, id, "report"); d <= 14 && !errors.Is(err, ErrPruned) || d > 14 && err != nil {
			t.Errorf("report of the run of day %d: %v", d, err)
		}
	}
	// Rollback window: the last 3 accepted runs (days 17, 18, 19; the pending
	// one is still running) keep what they replaced; the run of day 16 no longer
	// does.
	for _, d := range []int{17, 18, 19} {
		if r, err := s.Replaced(m.ctx, ids[d-2]); err != nil || len(r) != 1 {
			t.Errorf("replaced by the run of day %d (in the window): %+v %v", d, r, err)
		}
	}
	if _, err := s.Replaced(m.ctx, ids[16-2]); !errors.Is(err, ErrPruned) {
		t.Errorf("replaced by the run of day 16 (out of the window): %v, want ErrPruned", err)
	}
	// Batches out of the window keep their size; those within keep their items.
	bs, err := s.RunBatches(m.ctx, ids[16-2])
	if err != nil || len(bs) != 1 || bs[0].Items != 1 || !bs[0].Acked || len(bs[0].Results) != 0 {
		t.Errorf("batches of the run of day 16: %+v %v", bs, err)
	}
	bs, err = s.RunBatches(m.ctx, ids[19-2])
	if err != nil || len(bs) != 1 || len(bs[0].Results) != 1 {
		t.Errorf("batches of the run of day 19: %+v %v", bs, err)
	}
	// The acked state is whole.
	acked, err := s.Acked(m.ctx)
	if err != nil || acked.Len() != 10 {
		t.Errorf("acked after prune: %d targets, %v", acked.Len(), err)
	}
	// The extracts the state still needs: held, running (pending) and the last accepted.
	keep, err := s.ExtractsToKeep(m.ctx)
	if err != nil || len(keep) != 3 || !keep["shaHeld"] || !keep["shaPending"] || !keep["sha19"] {
		t.Errorf("extracts to keep: %v %v", keep, err)
	}
	// A second prune the same day finds nothing more.
	if st := m.prune(day0.Add(25*24*time.Hour), Retention{KeepDays: 10, RollbackRuns: 3, KeepLastWith: []string{"full_resync"}}); st.Runs+st.Emptied != 0 || st.Replaced+st.RunData+st.Batches+st.Compacted != 0 {
		t.Errorf("second prune removed %+v", st)
	}
}

// TestPruneKeepsTheLastAcceptedRun: however old, the run the guards compare the
// next extract with stays, and with it its extract.
func TestPruneKeepsTheLastAcceptedRun(t *testing.T) {
	s, _ := openTemp(t)
	m := sim{t, s, context.Background()}
	rep := []byte(`{}`)
	m.run(day0, StatusDone, "a", rep, items(0, 2, 1), 10, false)
	last := m.run(day0.Add(time.Hour), StatusDone, "b", rep, items(0, 2, 2), 10, false)
	m.run(day0.Add(2*time.Hour), StatusHeld, "c", rep, nil, 10, false)
	m.run(day0.Add(3*time.Hour), StatusFailed, "d", rep, nil, 10, false)
	// The first run is within the rollback window of 50 runs: it stays.
	if st := m.prune(day0.Add(400*24*time.Hour), Retention{KeepDays: 90}); st.Runs != 2 {
		t.Errorf("removed %d runs, want 2 (the held and failed ones): %+v", st.Runs, st)
	}
	if st := m.prune(day0.Add(400*24*time.Hour), Retention{KeepDays: 90, RollbackRuns: 1}); st.Runs != 1 {
		t.Errorf("removed %d runs, want 1 (the first): %+v", st.Runs, st)
	}
	r, ok, err := s.LastAccepted(m.ctx)
	if err != nil || !ok || r.ID != last || r.Rows != 50_000 {
		t.Fatalf("last accepted after a year without runs: %+v %v %v", r, ok, err)
	}
	if _, err := s.RunData(m.ctx, last, "report"); err != nil {
		t.Errorf("report of the last accepted run: %v", err)
	}
	if rs, err := s.Replaced(m.ctx, last); err != nil || len(rs) != 2 {
		t.Errorf("the last accepted run can still be rolled back: %+v %v", rs, err)
	}
	if keep, err := s.ExtractsToKeep(m.ctx); err != nil || len(keep) != 1 || !keep["b"] {
		t.Errorf("extracts to keep: %v %v", keep, err)
	}
}

// TestPruneKeepsRunningRuns: a run still running (killed before its end, with
// nothing journaled: recover marks it failed) is never removed.
func TestPruneKeepsRunningRuns(t *testing.T) {
	s, _ := openTemp(t)
	m := sim{t, s, context.Background()}
	id, err := s.BeginRun(m.ctx, RunStart{Started: day0, Trigger: "schedule", ExtractSHA256: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(m.ctx, id, RunEnd{Status: StatusRunning, Finished: day0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveRunData(m.ctx, id, "report", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	m.prune(day0.Add(400*24*time.Hour), Retention{KeepDays: 1})
	if _, err := s.RunData(m.ctx, id, "report"); err != nil {
		t.Errorf("running run's report after prune: %v", err)
	}
}

// TestRunDataCompressed: a large blob is stored gzipped and read back as it was;
// a plain blob written by an earlier version reads as it is.
func TestRunDataCompressed(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id := begin(t, s)
	big := bytes.Repeat([]byte(`{"ref":"REF000123","size":"52","quantity":3},`), 1000)
	if err := s.SaveRunData(ctx, id, "report", big); err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := s.db.QueryRow(`SELECT length(data) FROM run_data WHERE run_id = ?`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored >= len(big)/5 {
		t.Errorf("stored %d bytes for %d", stored, len(big))
	}
	if got, err := s.RunData(ctx, id, "report"); err != nil || !bytes.Equal(got, big) {
		t.Errorf("read back %d bytes, %v", len(got), err)
	}
	plain := bytes.Repeat([]byte(" "), 10_000)
	plain[0] = '{'
	plain[len(plain)-1] = '}'
	if _, err := s.db.Exec(`INSERT INTO run_data (run_id, kind, data) VALUES (?, 'old', ?)`, id, plain); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RunData(ctx, id, "old"); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("plain blob of an earlier version: %d bytes, %v", len(got), err)
	}
}

func autoVacuum(t *testing.T, s *Store) int {
	t.Helper()
	var mode int
	if err := s.db.QueryRow("PRAGMA auto_vacuum").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

func TestAutoVacuumFreshFile(t *testing.T) {
	s, _ := openTemp(t)
	if got := autoVacuum(t, s); got != 2 {
		t.Errorf("auto_vacuum of a new file = %d, want 2 (incremental)", got)
	}
}

// TestAutoVacuumUpgradedFile: a file written before retention (auto_vacuum none,
// schema 4, plain run data) is switched once at open, keeps its data, and a
// rollback and a report of its runs still work.
func TestAutoVacuumUpgradedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	db := rawOpen(t, path)
	if err := migrate(ctx, db, migrations[:4]); err != nil {
		t.Fatal(err)
	}
	var mode int
	if err := db.QueryRow("PRAGMA auto_vacuum").Scan(&mode); err != nil || mode != 0 {
		t.Fatalf("old file auto_vacuum %d %v, want 0", mode, err)
	}
	// This binary's acker keeps the accepted publications in a table schema 4
	// lacks (the binary of then updated its catalog table): lent for the writes.
	if _, err := db.Exec(`CREATE TABLE catalog_published (id TEXT PRIMARY KEY, published INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	old := &Store{db: db, readers: db, path: path}
	m := sim{t, old, ctx}
	plain := []byte(`{"id":"1","counts":{"pushed":2}}`)
	id := m.run(day0, StatusDone, "sha", plain, rows(decisions("p", 2)), 10, false)
	if _, err := db.Exec(`DROP TABLE catalog_published`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := autoVacuum(t, s); got != 2 {
		t.Errorf("auto_vacuum after upgrade = %d, want 2", got)
	}
	if got, err := s.RunData(ctx, id, "report"); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("report of a run written before: %q %v", got, err)
	}
	if r, err := s.Replaced(ctx, id); err != nil || len(r) != 2 {
		t.Errorf("rollback of a run written before: %+v %v", r, err)
	}
	m = sim{t, s, ctx}
	m.prune(day0.Add(time.Hour), Retention{KeepDays: 90})
	if r, err := s.Replaced(ctx, id); err != nil || len(r) != 2 {
		t.Errorf("rollback of a run written before, after a prune: %+v %v", r, err)
	}
}

// thirtyRuns runs 30 times, an hour apart from day0, each with 200 KB of report
// data that gzip cannot shrink much and 100 items.
func (m sim) thirtyRuns() {
	rep := make([]byte, 200_000)
	for i := range rep {
		rep[i] = byte(i*7919>>3) ^ byte(i)
	}
	for d := range 30 {
		m.run(day0.Add(time.Duration(d)*time.Hour), StatusDone, fmt.Sprint(d), rep, items(d*100, 100, 1), 50, false)
	}
}

// TestPruneGivesSpaceBack: after the runs are removed, the file shrinks.
func TestPruneGivesSpaceBack(t *testing.T) {
	s, path := openTemp(t)
	m := sim{t, s, context.Background()}
	m.thirtyRuns()
	m.prune(day0, Retention{}) // checkpoint
	before := fileSize(t, path)
	st := m.prune(day0.Add(100*24*time.Hour), Retention{KeepDays: 90, RollbackRuns: 1})
	after := fileSize(t, path)
	t.Logf("%d → %d bytes, %+v", before, after, st)
	if after > before/3 {
		t.Errorf("file %d bytes after prune, %d before: space not given back", after, before)
	}
	var free int
	if err := s.db.QueryRow("PRAGMA freelist_count").Scan(&free); err != nil || free != 0 {
		t.Errorf("free pages left in the file: %d %v", free, err)
	}
}

// TestPruneLeavesFewFreePages: free pages under 1/reclaimShare of the file stay
// for the next runs' writes; past it, they are given back.
func TestPruneLeavesFewFreePages(t *testing.T) {
	s, _ := openTemp(t)
	m := sim{t, s, context.Background()}
	m.thirtyRuns()
	m.prune(day0, Retention{RollbackRuns: 1}) // the journals and replaced values go
	counts := func() (free, pages int64) {
		if err := s.db.QueryRow("SELECT * FROM pragma_freelist_count, pragma_page_count").Scan(&free, &pages); err != nil {
			t.Fatal(err)
		}
		return free, pages
	}
	// The oldest run's data goes: a thirtieth of the file.
	st := m.prune(day0.Add(90*24*time.Hour+30*time.Minute), Retention{KeepDays: 90, RollbackRuns: 1})
	free, pages := counts()
	if st.Emptied != 1 || free == 0 || free*reclaimShare >= pages || st.FreedPages != 0 {
		t.Errorf("one run of 30 emptied (%d): %d free pages of %d, %d given back; want them kept for the next writes", st.Emptied, free, pages, st.FreedPages)
	}
	// Ten more runs' data: a third of the file.
	st = m.prune(day0.Add(90*24*time.Hour+10*time.Hour+30*time.Minute), Retention{KeepDays: 90, RollbackRuns: 1})
	if free, pages := counts(); st.Emptied != 10 || free != 0 || st.FreedPages == 0 {
		t.Errorf("ten runs emptied (%d): %d free pages of %d left, %d given back; want them all given back", st.Emptied, free, pages, st.FreedPages)
	}
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := statFile(p); err == nil {
			n += fi
		}
	}
	return n
}

var _ = reconcile.InStock
