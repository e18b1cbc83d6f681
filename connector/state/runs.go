package state

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// RunID identifies a run.
type RunID int64

// Status is where a run ended.
type Status string

// Run statuses.
const (
	StatusRunning          Status = "running" // begun, not finished (or killed)
	StatusDone             Status = "done"
	StatusHeld             Status = "held" // a guard refused it; nothing was sent
	StatusFailed           Status = "failed"
	StatusNoExtract        Status = "no_extract"
	StatusSkippedDuplicate Status = "skipped_duplicate"
	StatusApproved         Status = "approved" // held, then released by a CSM
	StatusRolledBack       Status = "rolled_back"
)

func (st Status) valid() bool {
	switch st {
	case StatusRunning, StatusDone, StatusHeld, StatusFailed, StatusNoExtract, StatusSkippedDuplicate,
		StatusApproved, StatusRolledBack:
		return true
	}
	return false
}

// RunStart is what is known when a run begins.
type RunStart struct {
	Started       time.Time
	Trigger       string // "schedule", "catch-up", "manual", …
	ExtractName   string
	ExtractSHA256 string
	Profile       string
}

// RunEnd is how a run ended.
type RunEnd struct {
	Finished    time.Time
	Status      Status
	Rows        int
	Matched     int
	MatchRate   float64 // 0..1
	Published   int
	Unpublished int
	Pushed      int
	Verdict     json.RawMessage // the guards' reasons, as the run wrote them; may be empty
	Error       string
}

// Run is one run of the history. While it is StatusRunning, its RunEnd is zero.
type Run struct {
	ID RunID
	RunStart
	RunEnd
}

// BeginRun records the start of a run.
func (s *Store) BeginRun(ctx context.Context, r RunStart) (RunID, error) {
	var id RunID
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO runs (started_ms, trigger, extract_name, extract_sha256, profile)
			VALUES (?, ?, ?, ?, ?) RETURNING id`,
			millis(r.Started), r.Trigger, r.ExtractName, r.ExtractSHA256, r.Profile).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("begin run: %w", err)
	}
	return id, nil
}

// FinishRun records how run id ended. With StatusRunning it records the counts of
// a run still pushing. A run may be finished again (a held run later approved, a
// run rolled back).
func (s *Store) FinishRun(ctx context.Context, id RunID, e RunEnd) error {
	if !e.Status.valid() {
		return fmt.Errorf("finish run %d: invalid status %q", id, e.Status)
	}
	if len(e.Verdict) > 0 && !json.Valid(e.Verdict) {
		return fmt.Errorf("finish run %d: verdict is not valid JSON", id)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE runs SET finished_ms = ?, status = ?, rows = ?, matched = ?, match_rate = ?,
				published = ?, unpublished = ?, pushed = ?, verdict = ?, error = ?
			WHERE id = ?`,
			millis(e.Finished), string(e.Status), e.Rows, e.Matched, e.MatchRate,
			e.Published, e.Unpublished, e.Pushed, string(e.Verdict), e.Error, id)
		if err != nil {
			return err
		}
		return expectOne(res)
	})
	if err != nil {
		return fmt.Errorf("finish run %d: %w", id, err)
	}
	return nil
}

const runColumns = `id, started_ms, trigger, extract_name, extract_sha256, profile,
	coalesce(finished_ms, 0), status, rows, matched, match_rate, published, unpublished,
	pushed, verdict, error`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var (
		r                 Run
		started, finished int64
		verdict           string
	)
	err := sc.Scan(&r.ID, &started, &r.Trigger, &r.ExtractName, &r.ExtractSHA256, &r.Profile,
		&finished, &r.Status, &r.Rows, &r.Matched, &r.MatchRate, &r.Published, &r.Unpublished,
		&r.Pushed, &verdict, &r.Error)
	if err != nil {
		return Run{}, err
	}
	r.Started, r.Finished = fromMillis(started), fromMillis(finished)
	if verdict != "" {
		r.Verdict = json.RawMessage(verdict)
	}
	return r, nil
}

// Run returns run id, or ErrNotFound.
func (s *Store) Run(ctx context.Context, id RunID) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("read run %d: %w", id, err)
	}
	return r, nil
}

// Runs returns the last limit runs, newest first; all of them when limit <= 0.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}

// LastAccepted returns the newest run whose plan was accepted (done or approved):
// the reference the guards compare a new extract with. ok is false when there is
// none yet.
func (s *Store) LastAccepted(ctx context.Context) (r Run, ok bool, err error) {
	r, err = scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
		WHERE status IN (?, ?) ORDER BY id DESC LIMIT 1`, StatusDone, StatusApproved))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("read last accepted run: %w", err)
	}
	return r, true, nil
}

// LastAcceptedWith returns the newest accepted run (done or approved) that saved
// data of kind — the last full resync, say. ok is false when there is none.
func (s *Store) LastAcceptedWith(ctx context.Context, kind string) (r Run, ok bool, err error) {
	r, err = scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs
		WHERE status IN (?, ?) AND id IN (SELECT run_id FROM run_data WHERE kind = ?)
		ORDER BY id DESC LIMIT 1`, StatusDone, StatusApproved, kind))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("read last run with %s: %w", kind, err)
	}
	return r, true, nil
}

// ProcessedSHA reports whether an extract with this SHA-256 was already processed:
// a run with that checksum that went through reconcile (done, held, approved or
// rolled back). Failed runs do not count, so their extract is tried again. id is
// the newest such run.
func (s *Store) ProcessedSHA(ctx context.Context, sha string) (id RunID, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT id FROM runs
		WHERE extract_sha256 = ? AND status IN (?, ?, ?, ?) ORDER BY id DESC LIMIT 1`,
		sha, StatusDone, StatusHeld, StatusApproved, StatusRolledBack).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up extract %s: %w", sha, err)
	}
	return id, true, nil
}

// compressAbove is the size from which run data is stored gzipped: a report
// model of a night's changes shrinks about tenfold.
const compressAbove = 4 << 10

// gzipMagic starts every gzip stream; no JSON document starts with it, so data
// stored plain by earlier versions reads as it is.
var gzipMagic = []byte{0x1f, 0x8b}

// SaveRunData stores blob as run id's data of this kind ("report", "plan", …),
// replacing any earlier one. Blobs above compressAbove are stored gzipped;
// RunData gives them back as they were.
func (s *Store) SaveRunData(ctx context.Context, id RunID, kind string, blob []byte) error {
	if blob == nil {
		blob = []byte{}
	}
	if len(blob) > compressAbove {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(blob); err != nil {
			return fmt.Errorf("save %s of run %d: compress: %w", kind, id, err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("save %s of run %d: compress: %w", kind, id, err)
		}
		blob = buf.Bytes()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO run_data (run_id, kind, data) VALUES (?, ?, ?)
			ON CONFLICT (run_id, kind) DO UPDATE SET data = excluded.data`, id, kind, blob)
		return err
	})
	if err != nil {
		return fmt.Errorf("save %s of run %d: %w", kind, id, err)
	}
	return nil
}

// RunData returns run id's data of this kind, or ErrNotFound.
func (s *Store) RunData(ctx context.Context, id RunID, kind string) ([]byte, error) {
	var blob []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM run_data WHERE run_id = ? AND kind = ?`,
		id, kind).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if errors.Is(err, ErrNotFound) {
		if through, perr := s.prunedThrough(ctx); perr == nil && id <= through {
			err = fmt.Errorf("%w: %w, older than report.keep_days", err, ErrPruned)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s of run %d: %w", kind, id, err)
	}
	if bytes.HasPrefix(blob, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(blob))
		if err != nil {
			return nil, fmt.Errorf("read %s of run %d: decompress: %w", kind, id, err)
		}
		if blob, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("read %s of run %d: decompress: %w", kind, id, err)
		}
	}
	return blob, nil
}

// expectOne turns an update that touched no row into ErrNotFound.
func expectOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
