package shopsim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"time"
)

type runAnswer struct {
	RunID        string `json:"run_id"`
	ReportBytes  int    `json:"report_bytes"`
	ReportSHA256 string `json:"report_sha256,omitempty"`
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "a run is uploaded as multipart/form-data")
		return
	}
	var summary, report []byte
	var reportName string
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "malformed multipart body")
			return
		}
		data, err := io.ReadAll(part)
		if err != nil {
			writeError(w, http.StatusBadRequest, "bad_request", "malformed multipart body")
			return
		}
		switch part.FormName() {
		case "summary":
			summary = data
		case "report":
			report, reportName = data, part.FileName()
		}
	}
	var head struct {
		RunID string `json:"run_id"`
	}
	if summary == nil || json.Unmarshal(summary, &head) != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "the summary part must be a JSON object")
		return
	}
	if head.RunID == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "the summary has no run_id")
		return
	}
	ans := runAnswer{RunID: head.RunID, ReportBytes: len(report)}
	if report != nil {
		sum := sha256.Sum256(report)
		ans.ReportSHA256 = hex.EncodeToString(sum[:])
	}
	if err := s.storeRun(r.Context(), ans, summary, reportName, report); err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "cannot store the run")
		return
	}
	writeJSON(w, http.StatusCreated, ans)
}

func (s *Server) storeRun(ctx context.Context, ans runAnswer, summary []byte, reportName string, report []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO runs (run_id, summary, report_name, report, report_sha256, uploads, uploaded_at)
		VALUES (?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT(run_id) DO UPDATE SET summary=excluded.summary, report_name=excluded.report_name,
		report=excluded.report, report_sha256=excluded.report_sha256, uploads=runs.uploads+1,
		uploaded_at=excluded.uploaded_at`,
		ans.RunID, summary, reportName, report, ans.ReportSHA256, formatTime(s.now()))
	return err
}

// Runs returns the uploaded runs, by run id.
func (s *Server) Runs(ctx context.Context) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, summary, report_name, report, report_sha256, uploads, uploaded_at
		FROM runs ORDER BY run_id`)
	if err != nil {
		return nil, fmt.Errorf("read uploaded runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var at string
		if err := rows.Scan(&r.ID, &r.Summary, &r.ReportName, &r.Report, &r.ReportSHA256, &r.Uploads, &at); err != nil {
			return nil, fmt.Errorf("read uploaded runs: %w", err)
		}
		r.UploadedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read uploaded runs: %w", err)
	}
	return out, nil
}
