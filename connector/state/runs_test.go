package state

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestRunRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	start := RunStart{
		Started:       time.Date(2026, 3, 29, 2, 30, 0, 123e6, paris),
		Trigger:       "schedule",
		ExtractName:   "stock_20260329.csv",
		ExtractSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Profile:       "bijou3",
	}
	id, err := s.BeginRun(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusRunning || !r.Finished.IsZero() {
		t.Errorf("begun run: status %q, finished %v", r.Status, r.Finished)
	}
	if r.Started.Location() != time.UTC || !r.Started.Equal(start.Started) {
		t.Errorf("started %v, want %v in UTC", r.Started, start.Started)
	}

	end := RunEnd{
		Finished:    start.Started.Add(90 * time.Second),
		Status:      StatusHeld,
		Rows:        41000,
		Matched:     39000,
		MatchRate:   0.95,
		Published:   30000,
		Unpublished: 9000,
		Verdict:     json.RawMessage(`[{"guard":"min_rows_ratio","got":0.41}]`),
	}
	if err := s.FinishRun(ctx, id, end); err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := Run{ID: id, RunStart: start, RunEnd: end}
	want.Started, want.Finished = start.Started.UTC(), end.Finished.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("run\n got %+v\nwant %+v", got, want)
	}
}

// TestFinishRunWhileRunning records a run's counts before its push, then its end.
func TestFinishRunWhileRunning(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, err := s.BeginRun(ctx, RunStart{Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, end := range []RunEnd{
		{Status: StatusRunning, Rows: 10, Matched: 9},
		{Status: StatusDone, Rows: 10, Matched: 9, Pushed: 4, Finished: time.Now()},
	} {
		if err := s.FinishRun(ctx, id, end); err != nil {
			t.Fatal(err)
		}
		r, err := s.Run(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != end.Status || r.Matched != 9 || r.Pushed != end.Pushed || r.Finished.IsZero() != end.Finished.IsZero() {
			t.Errorf("after FinishRun(%+v): %+v", end, r.RunEnd)
		}
	}
}

func TestFinishRunRejects(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, err := s.BeginRun(ctx, RunStart{Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		id   RunID
		end  RunEnd
		is   error
	}{
		{"unknown run", id + 1, RunEnd{Status: StatusDone}, ErrNotFound},
		{"no status", id, RunEnd{}, nil},
		{"unknown status", id, RunEnd{Status: "paused"}, nil},
		{"bad verdict", id, RunEnd{Status: StatusHeld, Verdict: json.RawMessage(`{"a":`)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.FinishRun(ctx, tc.id, tc.end)
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("FinishRun = %v, want an error (%v)", err, tc.is)
			}
		})
	}
	if _, err := s.Run(ctx, id+1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Run of an unknown id = %v, want ErrNotFound", err)
	}
}

// history begins and finishes one run per status, with the given checksums.
func history(t *testing.T, s *Store, runs []struct {
	sha    string
	status Status
}) []RunID {
	t.Helper()
	ctx := context.Background()
	var ids []RunID
	for i, r := range runs {
		id, err := s.BeginRun(ctx, RunStart{Started: time.Unix(int64(i), 0), ExtractSHA256: r.sha})
		if err != nil {
			t.Fatal(err)
		}
		if r.status != StatusRunning {
			if err := s.FinishRun(ctx, id, RunEnd{Status: r.status, Rows: 100 * (i + 1)}); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, id)
	}
	return ids
}

func TestHistoryQueries(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	ids := history(t, s, []struct {
		sha    string
		status Status
	}{
		{"a", StatusDone},             // 0
		{"b", StatusHeld},             // 1
		{"b", StatusApproved},         // 2
		{"c", StatusFailed},           // 3
		{"d", StatusHeld},             // 4
		{"e", StatusRunning},          // 5
		{"a", StatusSkippedDuplicate}, // 6
	})

	last, ok, err := s.LastAccepted(ctx)
	if err != nil || !ok || last.ID != ids[2] || last.Rows != 300 {
		t.Errorf("LastAccepted = run %d (%d rows), %v, %v; want run %d", last.ID, last.Rows, ok, err, ids[2])
	}

	for _, tc := range []struct {
		sha  string
		want RunID // 0: not processed
	}{
		{"a", ids[0]},
		{"b", ids[2]},
		{"c", 0}, // failed: try again
		{"d", ids[4]},
		{"e", 0}, // never finished
		{"z", 0},
	} {
		id, ok, err := s.ProcessedSHA(ctx, tc.sha)
		if err != nil {
			t.Fatal(err)
		}
		if ok != (tc.want != 0) || id != tc.want {
			t.Errorf("ProcessedSHA(%q) = %d, %v; want %d", tc.sha, id, ok, tc.want)
		}
	}

	// LastAcceptedWith: only accepted runs that saved that kind of data count.
	for _, i := range []int{0, 1, 3} {
		if err := s.SaveRunData(ctx, ids[i], "full_resync", []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	if r, ok, err := s.LastAcceptedWith(ctx, "full_resync"); err != nil || !ok || r.ID != ids[0] {
		t.Errorf("LastAcceptedWith(full_resync) = run %d, %v, %v; want run %d", r.ID, ok, err, ids[0])
	}
	if _, ok, err := s.LastAcceptedWith(ctx, "nothing"); ok || err != nil {
		t.Errorf("LastAcceptedWith(nothing) = %v, %v; want none", ok, err)
	}

	runs, err := s.Runs(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].ID != ids[6] || runs[2].ID != ids[4] {
		t.Errorf("Runs(3) = %v, want the last three, newest first", runs)
	}
	if all, err := s.Runs(ctx, 0); err != nil || len(all) != len(ids) {
		t.Errorf("Runs(0) = %d runs, %v; want all %d", len(all), err, len(ids))
	}
}

func TestLastAcceptedNone(t *testing.T) {
	s, _ := openTemp(t)
	history(t, s, []struct {
		sha    string
		status Status
	}{{"a", StatusHeld}, {"b", StatusFailed}})
	if _, ok, err := s.LastAccepted(context.Background()); ok || err != nil {
		t.Errorf("LastAccepted with no accepted run = %v, %v", ok, err)
	}
}

func TestRunData(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, err := s.BeginRun(ctx, RunStart{Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunData(ctx, id, "report"); !errors.Is(err, ErrNotFound) {
		t.Errorf("RunData before saving = %v, want ErrNotFound", err)
	}
	for _, blob := range []string{`{"v":1}`, `{"v":2}`} {
		if err := s.SaveRunData(ctx, id, "report", []byte(blob)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveRunData(ctx, id, "plan", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.RunData(ctx, id, "report"); err != nil || string(got) != `{"v":2}` {
		t.Errorf("report = %q, %v; want the last saved", got, err)
	}
	if got, err := s.RunData(ctx, id, "plan"); err != nil || len(got) != 0 {
		t.Errorf("empty plan = %q, %v", got, err)
	}
	if err := s.SaveRunData(ctx, id+1, "report", []byte("x")); err == nil {
		t.Error("data saved for a run that does not exist (foreign keys off?)")
	}
}
