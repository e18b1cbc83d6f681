package connector

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// DefaultPrecheckMinRate is the match rate below which a boutique is not ready to
// connect: under it, too much of its stock would be unpublished every night.
const DefaultPrecheckMinRate = 0.9

// PrecheckInput is an onboarding check: an extract against a catalog, nothing pushed.
type PrecheckInput struct {
	Site        string
	TimeZone    string
	Profile     string
	Options     erp.Options
	Extract     string // path of the extract file
	Catalog     []reconcile.Product
	LoadCatalog func() ([]reconcile.Product, error) // without Catalog: loads it while the extract is read
	CatalogName string                              // where the catalog came from, for the report
	Mapper      *mapping.Mapper                     // nil: ERP brands are catalog brands
	Rules       reconcile.Rules
	MinRate     float64 // DefaultPrecheckMinRate when 0
	Now         time.Time
}

// Precheck matches an extract against a catalog and says which references must be
// rewritten for the boutique to connect, and whether it is ready.
func Precheck(ctx context.Context, in PrecheckInput) (report.Precheck, error) {
	reader, err := erp.New(in.Profile, in.Options)
	if err != nil {
		return report.Precheck{}, err
	}
	name := filepath.Base(in.Extract)
	res, err := readExtractInto(ctx, reader, name, in.Extract, func() (*reconcile.Engine, error) {
		if in.Catalog == nil && in.LoadCatalog != nil {
			c, err := in.LoadCatalog()
			if err != nil {
				return nil, err
			}
			in.Catalog = c
		}
		eng := reconcile.NewEngine(in.Catalog, in.Rules, in.Mapper)
		eng.PrepareSuggestions() // while the extract is read
		return eng, nil
	})
	if err != nil {
		return report.Precheck{}, err
	}
	plan, sum, problems := res.plan, res.summary, res.problems
	facts := report.Facts{Site: in.Site, Profile: in.Profile, File: name, TimeZone: in.TimeZone,
		Started: in.Now, Finished: in.Now, Read: sum, Problems: problems, Catalog: in.Catalog, Status: report.StatusDryRun}
	if res.fileError != "" {
		facts.Verdict = reconcile.Verdict{Held: true, Reasons: []reconcile.GuardReason{{Code: reconcile.GuardFileError, Message: res.fileError}}}
	}
	minRate := in.MinRate
	if minRate == 0 {
		minRate = DefaultPrecheckMinRate
	}
	p := report.PrecheckOf(report.FromPlan(plan, facts), in.CatalogName, minRate)
	if res.fileError != "" {
		p.Missing = append([]report.Reason{{Code: reconcile.GuardFileError, Detail: res.fileError}}, p.Missing...)
	}
	return p, nil
}

// LoadCatalogFile reads a catalog file: JSON (the shop protocol's product shape, an
// array of products) or CSV (a back office's export, see decodeCatalogCSV). A file
// named .csv is CSV, one named .json JSON; any other is JSON when it starts with
// '[', CSV otherwise.
func LoadCatalogFile(path string) ([]reconcile.Product, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".csv" || ext != ".json" && !bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("[")) {
		return decodeCatalogCSV(path, b)
	}
	products, err := decodeCatalogJSON(b)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return products, nil
}

// Catalog fetches the catalog the shop serves this boutique.
func (s *Site) Catalog(ctx context.Context) ([]reconcile.Product, error) { return s.shop.Catalog(ctx) }

// ShopName says which shop the site pushes to, without any secret.
func (s *Site) ShopName() string { return s.shop.String() }

// Mapper is the site's mapping, with the aliases kept in its state file.
func (s *Site) Mapper(ctx context.Context) (*mapping.Mapper, error) { return s.mapper(ctx) }

// Report writes the report of a past run again, from its history.
func (s *Site) Report(ctx context.Context, id state.RunID) (string, error) {
	return s.ReportFull(ctx, id, false)
}

// ReportFull writes the report of run id again; with full, it adds the sheet of
// every product and size as the shop holds them now, streamed from the state file.
func (s *Site) ReportFull(ctx context.Context, id state.RunID, full bool) (string, error) {
	rep, err := s.loadReport(ctx, id)
	if err != nil {
		return "", fmt.Errorf("report of run %d: %w", id, err)
	}
	opts := report.Options{Language: s.cfg.Report.Language}
	if full {
		opts.Full = func(count func(int) error, add func(report.FullItem) error) error {
			return s.store.EachAcked(ctx, count, func(d reconcile.Decision) error {
				return add(report.FullItem{Ref: d.Ref, Size: d.Size, ProductID: d.ProductID, VariantID: d.VariantID,
					Published: d.Published, Availability: d.Availability.String(), Quantity: d.Quantity,
					PriceCents: d.PriceCents, RestockDays: d.RestockDays})
			})
		}
	}
	return s.writeReportWith(rep, opts)
}
