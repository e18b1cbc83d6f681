package connector

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// Kinds of run data kept in the state file.
const (
	dataExtract    = "extract"     // the archived extract (source.Extract as JSON): approve reads it again
	dataReport     = "report"      // the report model (report.Run as JSON): the report can be written again
	dataFullResync = "full_resync" // set on a run that pushed every decision again (its start time)
)

// finish records how a run ended, keeps its report model and writes its report.
func (s *Site) finish(ctx context.Context, id state.RunID, end state.RunEnd, rep *report.Run, out *Outcome) error {
	if err := s.saveReport(ctx, id, rep); err != nil {
		return err
	}
	if err := s.store.FinishRun(ctx, id, end); err != nil {
		return err
	}
	written := time.Now()
	path, err := s.writeReport(*rep)
	if err != nil {
		s.log.Error().Err(err).Int64("run", int64(id)).Msg("report not written: the next start writes it again")
	} else {
		s.log.Debug().Int64("run", int64(id)).Dur("took", time.Since(written)).Msg("report written")
	}
	out.ReportPath = path
	if up, ok := s.shop.(shop.Uploader); ok && s.cfg.Report.Upload {
		if err := s.upload(ctx, up, end, rep, path); err != nil {
			// The run is done; CSMs still have the report at the boutique.
			s.log.Warn().Err(err).Int64("run", int64(id)).Msg("upload run summary to the shop")
		}
	}
	return nil
}

// upload sends the run's summary and report to the shop, so CSMs see every
// boutique's nights without visiting it.
func (s *Site) upload(ctx context.Context, up shop.Uploader, end state.RunEnd, rep *report.Run, path string) error {
	c := rep.Counts
	verdict := rep.Verdict.Status
	for _, r := range rep.Verdict.Reasons {
		verdict += " " + r.Code
	}
	sum := shop.RunSummary{
		RunID: s.cfg.Site.ID + "-" + rep.ID, Boutique: s.cfg.Site.ID, StartedAt: rep.Started, FinishedAt: rep.Finished,
		Status: string(end.Status), Verdict: verdict, ExtractFile: rep.File, ExtractSHA256: rep.SHA256,
		Lines: c.RowsRead, Matched: c.Matched, Unmatched: c.Unmatched, Published: c.Published, Unpublished: c.Unpublished,
		Preorder: c.Preorder, Backorder: c.Backorder, Pushed: c.Pushed, Rejected: c.Rejected,
	}
	if path == "" {
		return up.UploadRun(ctx, sum, "", nil)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return up.UploadRun(ctx, sum, filepath.Base(path), f)
}

func (s *Site) saveReport(ctx context.Context, id state.RunID, rep *report.Run) error {
	return s.store.SaveRunData(ctx, id, dataReport, mustJSON(rep))
}

func (s *Site) loadReport(ctx context.Context, id state.RunID) (report.Run, error) {
	var rep report.Run
	b, err := s.store.RunData(ctx, id, dataReport)
	if err != nil {
		return rep, err
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return rep, fmt.Errorf("decode report of run %d: %w", id, err)
	}
	return rep, nil
}

func (s *Site) reportPath(rep report.Run) string {
	return filepath.Join(s.cfg.ReportDir(), report.ReportFile(rep.Started, rep.ID))
}

// writeReport writes the XLSX report to a temporary name and renames it, so a
// reader never sees half a workbook; old reports past the retention are removed.
// writtenReport returns the path of the run's report when it was written, "" when
// it is missing.
func (s *Site) writtenReport(rep report.Run) string {
	path := s.reportPath(rep)
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// rewriteMissingReports writes again the reports of the recent runs whose report
// is missing (a disk full when the run ended, a crash during the write), within
// the reports' retention.
func (s *Site) rewriteMissingReports(ctx context.Context, runs []state.Run) {
	keep := time.Duration(s.cfg.Report.KeepDays) * 24 * time.Hour
	for _, r := range runs {
		if r.Status == state.StatusRunning || r.Finished.IsZero() || (keep > 0 && s.now().Sub(r.Finished) > keep) {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.cfg.ReportDir(), report.ReportFile(r.Started, fmt.Sprint(r.ID)))); err == nil {
			continue
		}
		rep, err := s.loadReport(ctx, r.ID)
		if err != nil {
			continue
		}
		if path, err := s.writeReport(rep); err != nil {
			s.log.Error().Err(err).Int64("run", int64(r.ID)).Msg("report still not written")
		} else {
			s.log.Info().Int64("run", int64(r.ID)).Str("report", path).Msg("missing report written")
		}
	}
}

func (s *Site) writeReport(rep report.Run) (string, error) {
	return s.writeReportWith(rep, report.Options{Language: s.cfg.Report.Language})
}

func (s *Site) writeReportWith(rep report.Run, opts report.Options) (string, error) {
	path := s.reportPath(rep)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", fmt.Errorf("create report: %w", err)
	}
	if err := report.Write(f, rep, opts); err != nil {
		f.Close()
		os.Remove(tmp)
		return "", fmt.Errorf("write report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("write report %s: %w", path, err)
	}
	if removed, err := report.Prune(s.cfg.ReportDir(), report.Retention{MaxAge: time.Duration(s.cfg.Report.KeepDays) * 24 * time.Hour}, s.now()); err != nil {
		s.log.Warn().Err(err).Msg("remove old reports")
	} else if len(removed) > 0 {
		s.log.Debug().Int("removed", len(removed)).Msg("old reports removed")
	}
	return path, nil
}
