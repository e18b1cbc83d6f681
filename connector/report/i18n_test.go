package report

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// TestTextsCoverCodes checks that every code a report may show has its French and
// English text, so a CSM never reads a raw code.
func TestTextsCoverCodes(t *testing.T) {
	codes := []string{
		// erp.Problem codes.
		erp.CodeMissingRef, erp.CodeMissingBrand, erp.CodeBadQty, erp.CodeBadOnOrder, erp.CodeBadPrice,
		erp.CodeBadEAN, erp.CodeFieldTooLong, erp.CodeTooFewFields, erp.CodeNegativeStock,
		erp.CodeNumericRef, erp.CodeDuplicateLine, erp.CodeOther,
		// reconcile decision reasons, availabilities, row error codes and why a size has
		// no price (reconcile's constants, spelt out: the engine is being reworked).
		"in_stock", "preorder", "backorder", "no_stock", "absent", "excluded", "showcase",
		"size_without_price", "unavailable", "missing_size", "unknown_size", "not_in_extract", "no_price",
		// Guards, verdicts, precheck.
		GuardFileError, GuardEmptyExtract, GuardRowsDrop, GuardUnpublishRate, GuardUnpublishMax,
		GuardMatchDrop, GuardApproved,
		StatusAccepted, StatusHeld, StatusFailed, StatusDryRun, "ready", "not_ready",
		MissingNoRows, MissingMatchRate, MissingRewrites, MissingAmbiguous, MissingUnmapped, MissingRowErrors,
		SeverityError, SeverityWarning, "price_conflict", MissingConflicts,
		// What connected a line, EAN conflicts, barcode warnings.
		reconcile.ConflictEAN, reconcile.ConflictEANSize, reconcile.ConflictSharedEAN,
		mapping.GTINCodeCheckDigit, mapping.GTINCodeScientific, mapping.GTINCodeLength, mapping.GTINCodeSyntax,
		reconcile.SuggestEAN,
	}
	for r := reconcile.MatchRule(1); int(r) < reconcile.NumMatchRules; r++ {
		codes = append(codes, r.String(), "sum.rule."+r.String())
		if !slices.Contains(MatchRules, r.String()) {
			t.Errorf("MatchRules lacks %q", r)
		}
	}
	if len(MatchRules) != reconcile.NumMatchRules-1 {
		t.Errorf("MatchRules = %q", MatchRules)
	}
	for _, c := range codes {
		if _, ok := texts[c]; !ok {
			t.Errorf("code %q has no text", c)
		}
	}
}

func TestTextsComplete(t *testing.T) {
	for key, e := range texts {
		for l, s := range e {
			if s == "" {
				t.Errorf("text %q is empty in language %d", key, l)
			}
		}
	}
}

// TestSheetNames checks the names Excel accepts: at most 31 characters, none of
// : \ / ? * [ ], distinct within a workbook.
func TestSheetNames(t *testing.T) {
	for _, l := range []lang{french, english} {
		seen := map[string]bool{}
		for key, e := range texts {
			if len(key) < 6 || key[:6] != "sheet." {
				continue
			}
			name := e[l]
			if n := utf8.RuneCountInString(name); n > 31 {
				t.Errorf("sheet %q is %d characters long", name, n)
			}
			for _, r := range name {
				switch r {
				case ':', '\\', '/', '?', '*', '[', ']':
					t.Errorf("sheet %q holds %q", name, r)
				}
			}
			if seen[name] {
				t.Errorf("two sheets are named %q", name)
			}
			seen[name] = true
		}
	}
}

func TestOptionsLanguage(t *testing.T) {
	tests := []struct {
		in      string
		want    lang
		wantErr bool
	}{
		{"", french, false},
		{"fr", french, false},
		{"en", english, false},
		{"de", 0, true},
		{"FR", 0, true},
	}
	for _, tt := range tests {
		got, err := Options{Language: tt.in}.lang()
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("lang(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"0s", "0 s"},
		{"4.4s", "4 s"},
		{"2m5s", "2 min 05 s"},
		{"1h2m3s", "1 h 02 min 03 s"},
		{"26h", "26 h 00 min 00 s"},
	}
	for _, tt := range tests {
		d, err := parseDuration(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := duration(d); got != tt.want {
			t.Errorf("duration(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
