package reconcile

import "fmt"

// Default guard limits (DESIGN.md, Guards).
const (
	DefaultMinRowsRatio      = 0.5  // an extract with fewer rows than half the last accepted one is held
	DefaultMaxUnpublishRatio = 0.2  // a run unpublishing more than 20 % of the published products is held
	DefaultMaxUnpublishCount = 1000 // … or more than this many products
	DefaultMaxMatchDrop      = 20.0 // a match rate falling by more than 20 points is held
)

// epsilon absorbs float rounding, so that a value exactly at a limit passes.
const epsilon = 1e-9

// Limits are a site's guard settings. A zero field takes its default; a negative
// field turns that check off.
type Limits struct {
	MinRowsRatio      float64 `yaml:"min_rows_ratio" json:"min_rows_ratio,omitempty"`
	MaxUnpublishRatio float64 `yaml:"max_unpublish_ratio" json:"max_unpublish_ratio,omitempty"`
	MaxUnpublishCount int     `yaml:"max_unpublish_count" json:"max_unpublish_count,omitempty"`
	MaxMatchDrop      float64 `yaml:"max_match_drop" json:"max_match_drop,omitempty"` // in percentage points
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	if l.MinRowsRatio == 0 {
		l.MinRowsRatio = DefaultMinRowsRatio
	}
	if l.MaxUnpublishRatio == 0 {
		l.MaxUnpublishRatio = DefaultMaxUnpublishRatio
	}
	if l.MaxUnpublishCount == 0 {
		l.MaxUnpublishCount = DefaultMaxUnpublishCount
	}
	if l.MaxMatchDrop == 0 {
		l.MaxMatchDrop = DefaultMaxMatchDrop
	}
	return l
}

// RunFacts are what the guards remember of the last accepted run.
type RunFacts struct {
	Rows      int     // extract lines
	MatchRate float64 // Stats.MatchRate, 0..1
	Published int     // products published after it
}

// GuardInput is what the guards look at.
type GuardInput struct {
	Stats     Stats     // the plan's counts
	FileError string    // non-empty when reading the extract failed (the error's code or message)
	Previous  *RunFacts // the last accepted run; nil on a site's first run
	Limits    Limits
	// Catalog are the catalog's repeated ids (CatalogProblems): any holds the run.
	Catalog []CatalogProblem
}

// Guard reason codes: stable identifiers that reports translate.
const (
	GuardCatalogIDs        = "duplicate_catalog_ids"
	GuardFileError         = "file_error"
	GuardEmptyExtract      = "empty_extract"
	GuardMinRows           = "min_rows_ratio"
	GuardMaxUnpublishRatio = "max_unpublish_ratio"
	GuardMaxUnpublishCount = "max_unpublish_count"
	GuardMatchDrop         = "max_match_drop"
)

// Verdict says whether a run may push. A held run pushes nothing until approved.
type Verdict struct {
	Held    bool
	Reasons []GuardReason
}

// GuardReason is one tripped guard.
type GuardReason struct {
	Code    string             // a Guard… constant
	Message string             // in English, for logs
	Values  map[string]float64 // the figures compared, for the report ("rows", "previous_rows", …)
}

// Guard checks a plan before anything is pushed. Every tripped guard is listed, in
// a fixed order.
func Guard(in GuardInput) Verdict {
	var v Verdict
	hold := func(code, msg string, values map[string]float64) {
		v.Held = true
		v.Reasons = append(v.Reasons, GuardReason{Code: code, Message: msg, Values: values})
	}
	lim := in.Limits.withDefaults()
	st := in.Stats
	if len(in.Catalog) > 0 {
		var products, variants float64
		for _, p := range in.Catalog {
			if p.Kind == CatalogProduct {
				products++
			} else {
				variants++
			}
		}
		hold(GuardCatalogIDs, catalogMessage(in.Catalog), map[string]float64{"duplicate_products": products, "duplicate_variants": variants})
	}
	if in.FileError != "" {
		hold(GuardFileError, "the extract could not be read: "+in.FileError, nil)
	}
	if in.FileError == "" && st.Lines == 0 {
		hold(GuardEmptyExtract, "the extract holds no article", map[string]float64{"rows": 0})
	}
	prev := in.Previous
	if prev != nil && prev.Rows > 0 && st.Lines > 0 && lim.MinRowsRatio > 0 {
		if ratio := float64(st.Lines) / float64(prev.Rows); ratio < lim.MinRowsRatio-epsilon {
			hold(GuardMinRows, fmt.Sprintf("the extract has %d rows, %.0f%% of the %d of the last accepted run (minimum %.0f%%)",
				st.Lines, ratio*100, prev.Rows, lim.MinRowsRatio*100),
				map[string]float64{"rows": float64(st.Lines), "previous_rows": float64(prev.Rows), "ratio": ratio, "limit": lim.MinRowsRatio})
		}
	}
	published := st.WasPublished
	if published == 0 && prev != nil {
		published = prev.Published
	}
	if lim.MaxUnpublishRatio > 0 && published > 0 && st.Unpublishing > 0 {
		if ratio := float64(st.Unpublishing) / float64(published); ratio > lim.MaxUnpublishRatio+epsilon {
			hold(GuardMaxUnpublishRatio, fmt.Sprintf("the run would unpublish %d of %d published products (%.0f%%, maximum %.0f%%)",
				st.Unpublishing, published, ratio*100, lim.MaxUnpublishRatio*100),
				map[string]float64{"unpublish": float64(st.Unpublishing), "published": float64(published), "ratio": ratio, "limit": lim.MaxUnpublishRatio})
		}
	}
	if lim.MaxUnpublishCount > 0 && st.Unpublishing > lim.MaxUnpublishCount {
		hold(GuardMaxUnpublishCount, fmt.Sprintf("the run would unpublish %d products (maximum %d)", st.Unpublishing, lim.MaxUnpublishCount),
			map[string]float64{"unpublish": float64(st.Unpublishing), "limit": float64(lim.MaxUnpublishCount)})
	}
	if prev != nil && lim.MaxMatchDrop > 0 && st.Lines > 0 {
		cur := st.MatchRate()
		if drop := (prev.MatchRate - cur) * 100; drop > lim.MaxMatchDrop+epsilon {
			hold(GuardMatchDrop, fmt.Sprintf("the match rate fell from %.1f%% to %.1f%% (maximum drop %.0f points)",
				prev.MatchRate*100, cur*100, lim.MaxMatchDrop),
				map[string]float64{"match_rate": cur, "previous_match_rate": prev.MatchRate, "drop_points": drop, "limit": lim.MaxMatchDrop})
		}
	}
	return v
}
