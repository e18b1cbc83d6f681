package state

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
)

// The retention simulation. Assumptions, for a boutique of 50,000 articles on
// `interval: 15m`: 40 runs a day — the nightly run changes 1 % of the targets
// (500), each of the 39 intraday runs changes 50; every run saves its extract
// record and a report model of its changes plus the findings every run repeats
// (500 unmatched lines with suggestions, 100 row errors, 50 price changes:
// 150 to 250 KB of JSON); batches of 500 items, all accepted; keep_days 90; the
// state pruned once a day, after the nightly run (the connector prunes after
// every run: the same removals, spread out).
const (
	simArticles   = 50_000
	simNightly    = 500
	simIntraday   = 50
	simRunsPerDay = 40
	simBatch      = 500
)

// simFindings is the part of a report model every run repeats.
var simFindings = func() report.Run {
	var r report.Run
	for i := range 500 {
		r.Unmatched = append(r.Unmatched, report.Unmatched{Brand: "PANDORA", Ref: fmt.Sprintf("79%04d-%02d", i, i%60), Size: "52", Qty: i % 4,
			Suggestions: []report.Suggestion{{Ref: fmt.Sprintf("79%04d", i)}, {Ref: fmt.Sprintf("79%04dC01", i)}},
			Source:      fmt.Sprintf("stock.csv:%d", 1000+i*37)})
	}
	for i := range 100 {
		r.RowErrors = append(r.RowErrors, report.RowError{Source: fmt.Sprintf("stock.csv:%d", 2000+i*91), Severity: "error", Code: "bad_quantity", Field: "Qte", Value: "x" + fmt.Sprint(i)})
	}
	for i := range 50 {
		r.PriceChanges = append(r.PriceChanges, report.PriceChange{Brand: "TISSOT", Ref: fmt.Sprintf("T%06d", i), OldCents: 45000, NewCents: 46000 + int64(i), Source: fmt.Sprintf("stock.csv:%d", 3000+i)})
	}
	return r
}()

// simReport is the report model of a run that changed items.
func simReport(id RunID, at time.Time, changed []Item) []byte {
	r := simFindings
	r.ID, r.Site, r.Profile, r.File, r.Started, r.Finished = fmt.Sprint(id), "Bijouterie du Port", "generic", "stock.csv", at, at.Add(time.Minute)
	r.Published = make([]report.Outcome, 0, len(changed))
	for i, it := range changed {
		r.Published = append(r.Published, report.Outcome{Brand: "PANDORA", Ref: it.Ref, ProductID: it.ProductID, Availability: it.Availability,
			Quantity: it.Quantity, PriceCents: it.PriceCents, Reason: "in_stock", Source: fmt.Sprintf("stock.csv:%d", 2+i), Change: "quantity"})
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

// simulate runs days of the boutique's life on a new state file after a first
// full push, pruning with keepDays after each night unless keepDays is 0, and
// returns the file's size (with its WAL) at the end of each day.
func simulate(t *testing.T, days, keepDays int) (*Store, string, []int64, RunID) {
	s, path := openTemp(t)
	// Not one fsync per commit: the sizes are the same, a year fits in CI.
	if _, err := s.db.Exec("PRAGMA synchronous = OFF"); err != nil {
		t.Fatal(err)
	}
	m := sim{t, s, context.Background()}
	all := items(0, simArticles, 1)
	m.run(day0.Add(-24*time.Hour), StatusDone, "full", simReport(0, day0, all[:1000]), all, simBatch, false)
	var (
		sizes []int64
		last  RunID
		seq   int // which targets change next: a different slice each run
	)
	for d := range days {
		for r := range simRunsPerDay {
			at := day0.Add(time.Duration(d)*24*time.Hour + time.Duration(r)*15*time.Minute)
			if r > 0 {
				at = at.Add(6 * time.Hour) // intraday from 08:15
			}
			n := simIntraday
			if r == 0 {
				n = simNightly
			}
			changed := make([]Item, n)
			for i := range changed {
				changed[i] = item((seq*7919)%simArticles, 1+(seq+d)%9)
				seq++
			}
			last = m.run(at, StatusDone, fmt.Sprintf("sha-%d-%d", d, r), simReport(0, at, changed), changed, simBatch, false)
			if r == 0 && keepDays > 0 {
				m.prune(at.Add(time.Hour), Retention{KeepDays: keepDays, KeepLastWith: []string{"full_resync"}})
			}
		}
		sizes = append(sizes, fileSize(t, path))
	}
	return s, path, sizes, last
}

// checkEnd checks what must hold after any simulation: the last run can be
// rolled back, the acked state is whole.
func checkEnd(t *testing.T, s *Store, last RunID) {
	t.Helper()
	ctx := context.Background()
	if r, err := s.Replaced(ctx, last); err != nil || len(r) != simIntraday {
		t.Errorf("rollback of the last run: %d values replaced, %v; want %d", len(r), err, simIntraday)
	}
	if r, ok, err := s.LastAccepted(ctx); err != nil || !ok || r.ID != last {
		t.Errorf("last accepted run %d %v %v, want %d", r.ID, ok, err, last)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM acked`).Scan(&n); err != nil || n != simArticles {
		t.Errorf("acked state holds %d targets (%v), want %d", n, err, simArticles)
	}
}

// TestRetentionFlat simulates flatDays days kept flatKeep.
const flatDays, flatKeep = 12, 3

// TestRetentionFlat is the short simulation `go test ./...` runs: once keep_days
// are past, the file stops growing.
func TestRetentionFlat(t *testing.T) {
	start := time.Now()
	s, _, sizes, last := simulate(t, flatDays, flatKeep)
	t.Logf("%d days, keep_days %d: sizes by day (MB) %v, %s", flatDays, flatKeep, mb(sizes), time.Since(start).Round(time.Second))
	checkEnd(t, s, last)
	// Past keep_days and a day, the file may not grow by more than a tenth.
	from := flatKeep + 2
	if grown := sizes[flatDays-1] - sizes[from-1]; grown > sizes[from-1]/10 {
		t.Errorf("the file grew %d bytes from day %d to day %d (%d → %d): retention does not bound it",
			grown, from, flatDays, sizes[from-1], sizes[flatDays-1])
	}
}

// TestRetentionYear is the whole year at keep_days 90, the figure of the issue:
// ECRIN_LONG=1 go test -run TestRetentionYear ./connector/state (about a minute).
func TestRetentionYear(t *testing.T) {
	if testing.Short() || os.Getenv("ECRIN_LONG") == "" {
		t.Skip("a year of runs: set ECRIN_LONG=1")
	}
	const maxSize = 200 << 20
	start := time.Now()
	days, keep := 365, 90
	if os.Getenv("ECRIN_NOPRUNE") != "" { // the comparison figure
		keep = 0
	}
	s, path, sizes, last := simulate(t, days, keep)
	t.Logf("%d days, keep_days %d: %s is %.1f MB (with its WAL) after a year; by month (MB) %v; %s",
		days, keep, filepath.Base(path), float64(sizes[len(sizes)-1])/(1<<20), mb(monthly(sizes)), time.Since(start).Round(time.Second))
	checkEnd(t, s, last)
	if keep > 0 && sizes[len(sizes)-1] > maxSize {
		t.Errorf("state file %d bytes after a year, want at most %d", sizes[len(sizes)-1], maxSize)
	}
}

func mb(sizes []int64) []string {
	out := make([]string, len(sizes))
	for i, s := range sizes {
		out[i] = fmt.Sprintf("%.1f", float64(s)/(1<<20))
	}
	return out
}

func monthly(sizes []int64) []int64 {
	var out []int64
	for i := 29; i < len(sizes); i += 30 {
		out = append(out, sizes[i])
	}
	return out
}
