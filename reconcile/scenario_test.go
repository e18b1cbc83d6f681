package reconcile_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const scenarioDir = "../testdata/scenario"

type scenarioConfig struct {
	Mapping mapping.Config   `json:"mapping"`
	Rules   reconcile.Rules  `json:"rules"`
	Limits  reconcile.Limits `json:"limits"`
}

// nightReport is what a golden file holds for one night.
type nightReport struct {
	Night     int
	Verdict   reconcile.Verdict
	Stats     reconcile.Stats
	MatchRate string
	Decisions []decisionView
	Pushed    []string // the changes sent to the shop: target, before → after
	Findings  reconcile.Findings
	Lines     []string // source: status
}

// decisionView is a decision with the fields its JSON shape leaves out.
type decisionView struct {
	reconcile.Decision
	Reason string `json:"reason"`
	Rule   string `json:"rule,omitempty"`
	Source string `json:"source,omitempty"`
}

// TestScenario runs a boutique over five nights (testdata/scenario/README.md) and
// compares every night with its golden plan.
func TestScenario(t *testing.T) {
	var catalog []reconcile.Product
	readJSON(t, "catalog.json", &catalog)
	var cfg scenarioConfig
	readJSON(t, "config.json", &cfg)
	m, err := mapping.New(cfg.Mapping)
	if err != nil {
		t.Fatal(err)
	}
	acked := make(map[reconcile.Target]reconcile.Decision)
	var facts *reconcile.RunFacts
	for night := 1; night <= 5; night++ {
		name := fmt.Sprintf("night%d.csv", night)
		lines := readLines(t, name)
		plan := reconcile.Reconcile(reconcile.Input{Lines: lines, Catalog: catalog, Rules: cfg.Rules, Mapper: m})
		verdict := reconcile.Guard(reconcile.GuardInput{Stats: plan.Stats, Previous: facts, Limits: cfg.Limits})
		rep := nightReport{Night: night, Verdict: verdict, Stats: plan.Stats, Findings: plan.Findings,
			MatchRate: strconv.FormatFloat(plan.Stats.MatchRate()*100, 'f', 1, 64)}
		for _, d := range plan.Decisions {
			rep.Decisions = append(rep.Decisions, decisionView{d, d.Reason.String(), d.Rule.String(), plan.Source(d.Line)})
		}
		for i, st := range plan.Lines {
			s := lines[i].Source + ": " + st.String()
			if r := plan.MatchedBy[i]; r != 0 {
				s += " (" + r.String() + ")"
			}
			rep.Lines = append(rep.Lines, s)
		}
		if !verdict.Held {
			for _, c := range reconcile.Diff(plan.Decisions, reconcile.AckedFrom(acked)) {
				rep.Pushed = append(rep.Pushed, describe(c))
				acked[c.Key()] = c.Decision
			}
			published := make(map[string]bool)
			for _, d := range plan.Decisions {
				if d.VariantID == "" {
					published[d.ProductID] = d.Published
				}
			}
			next := append([]reconcile.Product(nil), catalog...)
			for i := range next {
				if p, ok := published[next[i].ID]; ok {
					next[i].Published = p
				}
			}
			catalog = next
			facts = &reconcile.RunFacts{Rows: plan.Stats.Lines, MatchRate: plan.Stats.MatchRate(), Published: plan.Stats.Published}
		}
		checkNight(t, night, rep)
	}
}

func checkNight(t *testing.T, night int, rep nightReport) {
	t.Helper()
	got, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join(scenarioDir, fmt.Sprintf("night%d.golden.json", night))
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("night %d differs from %s (run with -update after checking the change):\n%s", night, path, got)
	}
}

func describe(c reconcile.Change) string {
	show := func(d *reconcile.Decision) string {
		if d == nil {
			return "never pushed"
		}
		pub := "unpublished"
		if d.Published {
			pub = "published"
		}
		return fmt.Sprintf("%s %s qty %d price %d delay %d", pub, d.Availability, d.Quantity, d.PriceCents, d.RestockDays)
	}
	target := c.ProductID
	if c.VariantID != "" {
		target += "/" + c.VariantID
	}
	return target + ": " + show(c.Previous) + " → " + show(&c.Decision)
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(scenarioDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

// readLines reads a scenario extract: ref;brand;size;qty;on_order;price_cents;status;label.
func readLines(t *testing.T, name string) []reconcile.Line {
	t.Helper()
	f, err := os.Open(filepath.Join(scenarioDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var lines []reconcile.Line
	for i, row := range rows[1:] {
		num := func(s string) int {
			if s == "" {
				return 0
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, i+2, err)
			}
			return n
		}
		l := reconcile.Line{Ref: row[0], ERPBrand: row[1], RawSize: row[2], Qty: num(row[3]), OnOrder: num(row[4]),
			Excluded: row[6] == "x", Label: row[7], Source: name + ":" + strconv.Itoa(i+2)}
		if row[5] != "" {
			l.PriceCents, l.HasPrice = int64(num(row[5])), true
		}
		lines = append(lines, l)
	}
	return lines
}
