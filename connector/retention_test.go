package connector

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// archived lists the files of the site's extracts archive.
func (h *harness) archived() []string {
	h.t.Helper()
	var out []string
	err := filepath.WalkDir(h.site.cfg.ArchiveDir(), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, filepath.Base(p))
		}
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// TestRetentionAfterARun: a run prunes the archive and the state file with
// report.keep_days, logs what it removed, and the runs it keeps still report.
func TestRetentionAfterARun(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second) // the archive's files are dated by the real clock
	var logs bytes.Buffer
	h := newHarnessWith(t, "", Options{Now: func() time.Time { return now }, Logger: zerolog.New(&logs).Level(zerolog.DebugLevel)})
	h.dropNight(night1)
	n1 := h.run()
	if got := h.archived(); len(got) != 1 {
		t.Fatalf("archive after night 1: %q", got)
	}

	now = now.Add(100 * 24 * time.Hour) // past the default keep_days, 90
	h.dropNight(night2)
	n2 := h.run()
	got := h.archived()
	if len(got) != 1 || !strings.HasSuffix(got[0], night2) {
		t.Errorf("archive after night 2, 100 days later: %q, want only night 2's extract", got)
	}
	if !strings.Contains(logs.String(), "old archived extracts removed") {
		t.Errorf("the removal is not logged:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), `"level":"warn"`) && strings.Contains(logs.String(), "retention") {
		t.Errorf("retention warned:\n%s", logs.String())
	}
	// Night 1 is past keep_days but within the rollback window: it still
	// reports, and night 2 can be rolled back.
	ctx := context.Background()
	if _, err := h.site.Report(ctx, n1.RunID); err != nil {
		t.Errorf("report of night 1: %v", err)
	}
	if _, _, err := h.site.Rollback(ctx, n2.RunID); err != nil {
		t.Errorf("rollback of night 2: %v", err)
	}
}
