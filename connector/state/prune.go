package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// RollbackRuns is how many of the last accepted runs (done or approved) keep the
// values they replaced, so that `ecrin rollback` can undo them: a whole day at
// the densest schedule a boutique uses (40 runs), seven weeks of nightly runs.
// An older run can no longer be rolled back — rolling back a run that later runs
// changed again would push stale values anyway.
const RollbackRuns = 50

// ErrPruned marks what retention removed: the data of a run older than keep_days,
// the values replaced by a run older than the rollback window.
var ErrPruned = errors.New("removed by retention")

// Retention says what Prune keeps.
type Retention struct {
	// KeepDays: runs finished longer ago are removed with everything hanging off
	// them (report model, extract record, journal, shop answers, replaced values),
	// except the runs listed in Prune. 0 or less: no run is removed by age.
	KeepDays int
	// RollbackRuns: the last accepted runs that keep their replaced values and
	// their journal; 0 means the package's RollbackRuns.
	RollbackRuns int
	// KeepLastWith: kinds of run data ("full_resync") whose last accepted run is
	// kept whatever its age, for LastAcceptedWith.
	KeepLastWith []string
}

// PruneStats counts what one Prune removed.
type PruneStats struct {
	Runs        int   // runs removed whole
	Emptied     int   // runs whose data was removed but whose row stays: the acknowledged state names them
	RunData     int64 // run data blobs removed
	Batches     int64 // journaled batches removed
	Compacted   int64 // acknowledged batches past the rollback window whose items were emptied
	ItemResults int64 // shop answers removed (accepted ones past the rollback window, all of a removed run)
	Replaced    int64 // replaced values removed
	FreedPages  int64 // pages given back to the file system
}

// Meta keys retention keeps.
const (
	metaPrunedThrough = "pruned_through" // the newest run whose data Prune removed
	metaRollbackFrom  = "rollback_from"  // runs older than this one no longer keep their replaced values
)

// pruneChunk is how many runs one write transaction removes: other readers and
// writers wait at most that long on a first prune of a large file.
const pruneChunk = 50

// Prune removes what retention r no longer keeps at now, then gives the space
// back to the file system. It always keeps, whatever their age:
//   - the runs still running or with batches the shop has not acknowledged (a
//     resume pushes and completes them);
//   - the last accepted run (the guards compare the next extract with it) and the
//     last accepted run with each kind of r.KeepLastWith (the last full resync
//     dates the next one);
//   - the last r.RollbackRuns accepted runs' replaced values and journal (a
//     rollback within the window);
//   - held runs within KeepDays (`ecrin approve` reads their extract record);
//   - the row of a run the acknowledged state still names (its data goes).
//
// Acknowledged batches of older runs keep only their size and their rejections.
func (s *Store) Prune(ctx context.Context, now time.Time, r Retention) (PruneStats, error) {
	var st PruneStats
	if r.RollbackRuns <= 0 {
		r.RollbackRuns = RollbackRuns
	}
	keep, horizon, err := s.retained(ctx, r.RollbackRuns, r.KeepLastWith)
	if err != nil {
		return st, fmt.Errorf("prune %s: %w", s.path, err)
	}
	if r.KeepDays > 0 {
		cutoff := millis(now.Add(-time.Duration(r.KeepDays) * 24 * time.Hour))
		old, err := s.oldRuns(ctx, cutoff, keep)
		if err != nil {
			return st, fmt.Errorf("prune %s: list runs older than %d days: %w", s.path, r.KeepDays, err)
		}
		for i := 0; i < len(old); i += pruneChunk {
			if err := s.removeRuns(ctx, old[i:min(i+pruneChunk, len(old))], &st); err != nil {
				return st, fmt.Errorf("prune %s: remove runs older than %d days: %w", s.path, r.KeepDays, err)
			}
		}
	}
	if horizon > 0 {
		if err := s.compact(ctx, horizon, &st); err != nil {
			return st, fmt.Errorf("prune %s: compact runs before run %d: %w", s.path, horizon, err)
		}
	}
	if err := s.incrementalVacuumOn(ctx); err != nil {
		return st, fmt.Errorf("prune: %w", err)
	}
	var free, pages int64
	if err := s.db.QueryRowContext(ctx, "SELECT * FROM pragma_freelist_count, pragma_page_count").Scan(&free, &pages); err != nil {
		return st, fmt.Errorf("prune %s: read free pages: %w", s.path, explain(err, s.path))
	}
	if free > 0 && free*reclaimShare >= pages {
		if _, err := s.db.ExecContext(ctx, "PRAGMA incremental_vacuum"); err != nil {
			return st, fmt.Errorf("prune %s: give space back (incremental_vacuum): %w", s.path, explain(err, s.path))
		}
		st.FreedPages = free
	}
	// Move the WAL's pages into the file and shrink the WAL, so that the disk
	// sees the space given back now rather than at the next checkpoint.
	if _, err := s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return st, fmt.Errorf("prune %s: checkpoint: %w", s.path, explain(err, s.path))
	}
	return st, nil
}

// reclaimShare: Prune gives the file's free pages back to the file system once
// they are 1/reclaimShare of it. Fewer, the next runs' writes take them again:
// giving back the 2,500 pages a night at a million articles frees took 0.14 s of
// each night, for space the next night used again.
const reclaimShare = 16

// retained returns the runs Prune keeps whatever their age, and the rollback
// horizon: the oldest of the last n accepted runs when there are that many (older
// runs lose their replaced values), else 0.
func (s *Store) retained(ctx context.Context, n int, kinds []string) (keep map[RunID]bool, horizon RunID, err error) {
	keep = map[RunID]bool{}
	err = s.read(ctx, func(tx *sql.Tx) error {
		collect := func(q string, args ...any) ([]RunID, error) {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var ids []RunID
			for rows.Next() {
				var id RunID
				if err := rows.Scan(&id); err != nil {
					return nil, err
				}
				keep[id] = true
				ids = append(ids, id)
			}
			return ids, rows.Err()
		}
		if _, err := collect(`SELECT id FROM runs WHERE status = ?`, StatusRunning); err != nil {
			return err
		}
		if _, err := collect(`SELECT DISTINCT run_id FROM batches WHERE status = ?`, batchPending); err != nil {
			return err
		}
		for _, kind := range kinds {
			if _, err := collect(`SELECT id FROM runs WHERE status IN (?, ?)
				AND id IN (SELECT run_id FROM run_data WHERE kind = ?) ORDER BY id DESC LIMIT 1`,
				StatusDone, StatusApproved, kind); err != nil {
				return err
			}
		}
		last, err := collect(`SELECT id FROM runs WHERE status IN (?, ?) ORDER BY id DESC LIMIT ?`,
			StatusDone, StatusApproved, n)
		if err != nil {
			return err
		}
		if len(last) == n {
			horizon = last[n-1]
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list the runs retention keeps: %w", err)
	}
	return keep, horizon, nil
}

// oldRuns lists the runs finished before cutoff that are not kept and still have
// something to remove: data, or a row the acknowledged state does not name.
func (s *Store) oldRuns(ctx context.Context, cutoff int64, keep map[RunID]bool) ([]RunID, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM runs r
		WHERE status != ? AND finished_ms > 0 AND finished_ms < ? AND (
			EXISTS (SELECT 1 FROM run_data WHERE run_id = r.id)
			OR EXISTS (SELECT 1 FROM batches WHERE run_id = r.id)
			OR EXISTS (SELECT 1 FROM replaced WHERE run_id = r.id)
			OR NOT EXISTS (SELECT 1 FROM acked WHERE run_id = r.id))
		ORDER BY id`, StatusRunning, cutoff)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []RunID
	for rows.Next() {
		var id RunID
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if !keep[id] {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// removeRuns removes, in one transaction, everything hanging off runs ids, and
// the runs themselves unless the acknowledged state names them.
func (s *Store) removeRuns(ctx context.Context, ids []RunID, st *PruneStats) error {
	var add PruneStats
	err := s.write(ctx, func(tx *sql.Tx) error {
		add = PruneStats{}
		steps := []struct {
			q string
			n *int64
		}{
			{`DELETE FROM item_results WHERE batch_id IN (SELECT id FROM batches WHERE run_id = ?)`, &add.ItemResults},
			{`DELETE FROM batches WHERE run_id = ?`, &add.Batches},
			{`DELETE FROM replaced WHERE run_id = ?`, &add.Replaced},
			{`DELETE FROM run_data WHERE run_id = ?`, &add.RunData},
		}
		var newest RunID
		for _, id := range ids {
			for _, step := range steps {
				res, err := tx.ExecContext(ctx, step.q, id)
				if err != nil {
					return fmt.Errorf("run %d: %w", id, err)
				}
				n, _ := res.RowsAffected()
				*step.n += n
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM acked WHERE run_id = ?)`, id, id)
			if err != nil {
				return fmt.Errorf("run %d: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				add.Runs++
			} else {
				add.Emptied++
			}
			newest = max(newest, id)
		}
		return raiseMeta(ctx, tx, metaPrunedThrough, int64(newest))
	})
	if err != nil {
		return err
	}
	st.Runs += add.Runs
	st.Emptied += add.Emptied
	st.ItemResults += add.ItemResults
	st.Batches += add.Batches
	st.Replaced += add.Replaced
	st.RunData += add.RunData
	return nil
}

// compact drops what runs older than the rollback horizon kept for a rollback:
// their replaced values, the items of their acknowledged batches and the shop's
// acceptances (the batch's size and its rejections stay for the report).
func (s *Store) compact(ctx context.Context, horizon RunID, st *PruneStats) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM replaced WHERE run_id < ?`, horizon)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		st.Replaced += n
		res, err = tx.ExecContext(ctx, `DELETE FROM item_results WHERE accepted = 1 AND batch_id IN (
			SELECT id FROM batches WHERE run_id < ? AND status = ? AND items != '[]')`, horizon, batchAcked)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		st.ItemResults += n
		res, err = tx.ExecContext(ctx, `UPDATE batches SET items = '[]'
			WHERE run_id < ? AND status = ? AND items != '[]'`, horizon, batchAcked)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		st.Compacted += n
		return raiseMeta(ctx, tx, metaRollbackFrom, int64(horizon))
	})
}

// raiseMeta sets the meta counter key to v unless it is already higher.
func raiseMeta(ctx context.Context, tx *sql.Tx, key string, v int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value
		WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)`, key, strconv.FormatInt(v, 10))
	if err != nil {
		return fmt.Errorf("record %s: %w", key, err)
	}
	return nil
}

// metaInt reads the meta counter key; 0 when absent.
func (s *Store) metaInt(ctx context.Context, key string) (int64, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s of %s: %w", key, s.path, err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// prunedThrough is the newest run whose data Prune removed; 0 when none.
func (s *Store) prunedThrough(ctx context.Context) (RunID, error) {
	v, err := s.metaInt(ctx, metaPrunedThrough)
	return RunID(v), err
}

// ExtractsToKeep returns the SHA-256 of the extracts whose archived copy the
// state may still need: held runs (`ecrin approve` processes their extract
// again), runs still running, and the last accepted run.
func (s *Store) ExtractsToKeep(ctx context.Context) (map[string]bool, error) {
	keep := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT extract_sha256 FROM runs WHERE status IN (?, ?)
		UNION SELECT extract_sha256 FROM (SELECT extract_sha256 FROM runs WHERE status IN (?, ?) ORDER BY id DESC LIMIT 1)`,
		StatusHeld, StatusRunning, StatusDone, StatusApproved)
	if err != nil {
		return nil, fmt.Errorf("list the extracts the state needs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return nil, fmt.Errorf("list the extracts the state needs: %w", err)
		}
		if sha != "" {
			keep[sha] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the extracts the state needs: %w", err)
	}
	return keep, nil
}
