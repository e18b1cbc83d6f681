package ecrin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// wireRunSummary is what the protocol carries of one run.
type wireRunSummary struct {
	RunID         string    `json:"run_id"`
	Boutique      string    `json:"boutique,omitempty"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Status        string    `json:"status,omitempty"`
	Verdict       string    `json:"verdict,omitempty"`
	ExtractFile   string    `json:"extract_file,omitempty"`
	ExtractSHA256 string    `json:"extract_sha256,omitempty"`
	Lines         int       `json:"lines"`
	Matched       int       `json:"matched"`
	Unmatched     int       `json:"unmatched"`
	Published     int       `json:"published"`
	Unpublished   int       `json:"unpublished"`
	Preorder      int       `json:"preorder"`
	Backorder     int       `json:"backorder"`
	Pushed        int       `json:"pushed"`
	Rejected      int       `json:"rejected"`
}

// xlsxType is the media type of an XLSX report.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// maxReport bounds the report an upload sends (the shop takes 64 MiB bodies).
const maxReport = 60 << 20

// UploadRun sends a run's summary and, when report is not nil, its XLSX report named
// reportName. Uploading a run id again replaces the earlier upload.
func (c *Client) UploadRun(ctx context.Context, s shop.RunSummary, reportName string, report io.Reader) error {
	sum := wireRunSummary(s)
	fail := func(err error) error { return fmt.Errorf("upload run %q to %s: %w", sum.RunID, c.where, err) }
	if sum.RunID == "" {
		return fail(fmt.Errorf("no run id"))
	}
	sum.StartedAt, sum.FinishedAt = sum.StartedAt.UTC(), sum.FinishedAt.UTC()
	js, err := json.Marshal(sum)
	if err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {`form-data; name="summary"`},
		"Content-Type":        {"application/json"},
	})
	if err == nil {
		_, err = part.Write(js)
	}
	var sent int64
	if err == nil && report != nil {
		part, err = mw.CreatePart(textproto.MIMEHeader{
			"Content-Disposition": {fmt.Sprintf(`form-data; name="report"; filename=%q`, filepath.Base(reportName))},
			"Content-Type":        {xlsxType},
		})
		if err == nil {
			sent, err = io.Copy(part, io.LimitReader(report, maxReport+1))
		}
		if err == nil && sent > maxReport {
			err = fmt.Errorf("the report is larger than %d MiB", maxReport>>20)
		}
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return fail(err)
	}
	hdr := http.Header{"Content-Type": {mw.FormDataContentType()}}
	ans, err := c.call(ctx, "POST", "/v1/runs", nil, buf.Bytes(), hdr)
	if err != nil {
		return fail(err)
	}
	var a struct {
		RunID       string `json:"run_id"`
		ReportBytes int64  `json:"report_bytes"`
	}
	if err := json.Unmarshal(ans.body, &a); err != nil {
		return fail(fmt.Errorf("read answer: %w", err))
	}
	if a.RunID != sum.RunID || a.ReportBytes != sent {
		return fail(fmt.Errorf("the shop stored run %q with %d report bytes, sent %d", a.RunID, a.ReportBytes, sent))
	}
	return nil
}
