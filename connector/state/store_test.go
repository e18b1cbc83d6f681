package state

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// openTemp opens a fresh state file in a temporary folder.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "site.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenSetsPragmas(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, tc := range []struct {
		conn         *sql.DB
		pragma, want string
	}{
		{s.db, "journal_mode", "wal"},
		{s.db, "foreign_keys", "1"},
		{s.db, "busy_timeout", "5000"},
		{s.db, "synchronous", "1"}, // NORMAL
		{s.db, "user_version", fmt.Sprint(len(migrations))},
		{s.db, "cache_size", "-2000"}, // SQLite's default: the writer looks items up
		{s.readers, "journal_mode", "wal"},
		{s.readers, "busy_timeout", "5000"},
		{s.readers, "cache_size", fmt.Sprint(-readerCacheKiB)},
	} {
		var got string
		if err := tc.conn.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			who := "writer"
			if tc.conn == s.readers {
				who = "readers"
			}
			t.Errorf("%s: PRAGMA %s = %q, want %q", who, tc.pragma, got, tc.want)
		}
	}
}

func TestOpenPathWithSpacesAndQuestionMark(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Program Data", "ecrin?site#1")
	path := filepath.Join(dir, "état.db")
	if err := mkdirAll(dir); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.BeginRun(context.Background(), RunStart{Started: time.Now(), Trigger: "manual"}); err != nil {
		t.Fatal(err)
	}
	if !exists(path) {
		t.Errorf("state file not created at %s", path)
	}
}

// TestTwoStoresOneFile has two Stores (two "processes") write the same file at
// once: every write must succeed, waiting for the other's lock.
func TestTwoStoresOneFile(t *testing.T) {
	a, path := openTemp(t)
	b, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	const perWriter = 50
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4*perWriter)
	for w, s := range []*Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				key := fmt.Sprintf("w%d-%d", w, i)
				id, err := s.BeginRun(ctx, RunStart{Started: time.Now(), Trigger: key})
				if err == nil {
					err = s.Journal(ctx, id, []Batch{{Key: key, Items: rows(decisions(key, 20))}})
				}
				if err == nil {
					err = s.Ack(ctx, key, acceptAll(rows(decisions(key, 20))))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	runs, err := b.Runs(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 4*perWriter {
		t.Errorf("%d runs, want %d", len(runs), 4*perWriter)
	}
	acked, err := ackedMap(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(acked) != 4*perWriter*20 {
		t.Errorf("%d acknowledged targets, want %d", len(acked), 4*perWriter*20)
	}
}

// TestSecondStoreWaitsForLock holds a write transaction open on one Store while
// another writes: the second waits for the lock (busy_timeout), then succeeds
// after the first commits.
func TestSecondStoreWaitsForLock(t *testing.T) {
	a, path := openTemp(t)
	b, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()

	tx, err := a.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	var first RunID
	if err := tx.QueryRowContext(ctx, `INSERT INTO runs (started_ms, trigger, extract_name,
		extract_sha256, profile) VALUES (1, 'a', '', '', '') RETURNING id`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var second RunID
	go func() {
		var err error
		second, err = b.BeginRun(ctx, RunStart{Started: time.Now(), Trigger: "b"})
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // let b block on the lock
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("second store: %v", err)
	}
	if second != first+1 {
		t.Errorf("second store's run is %d, want %d: it did not wait for the first's commit", second, first+1)
	}
}
