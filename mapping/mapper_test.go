package mapping

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestMapperBrand(t *testing.T) {
	m, err := New(Config{Brands: map[string]string{
		"TISSOT":       "Tissot",
		"Hermès Paris": "Hermès",
		"ZZ bijoux":    "Zeta",
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		erp, want string
		ok        bool
	}{
		{"tissot", "Tissot", true},
		{" Tissot ", "Tissot", true},
		{"HERMES PARIS", "Hermès", true},
		{"hermès  paris", "Hermès", true},
		{"zz BIJOUX", "Zeta", true},
		{"Swatch", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := m.Brand(tt.erp)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Brand(%q) = %q, %v; want %q, %v", tt.erp, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMapperKeyRules(t *testing.T) {
	m, err := New(Config{
		Rules: map[string][]KeyRule{
			"Tissot":  {{StripPrefix: "TISSOT-"}, {StripLeadingZeros: true}},
			"Pandora": {{Replace: `^(\d+)[A-Z]+$`, With: "$1"}},
			"Orde":    {{StripLeadingZeros: true}, {StripPrefix: "X"}}, // order matters
		},
		Aliases: []Alias{
			{Brand: "Tissot", Old: "T-OLD-1", Canonical: "T120.407"},
			{Brand: "tissot", Old: "tissot-00777", Canonical: "T120.407"}, // old spelling keyed through the rules
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, brand, ref, want string
	}{
		{"prefix stripped", "Tissot", "TISSOT-T120.407", "T120407"},
		{"prefix keyed first", "Tissot", "tissot t120 407", "T120407"},
		{"leading zeros after prefix", "Tissot", "TISSOT-000123", "123"},
		{"brand folded", "TISSOT", "Tissot-0042", "42"},
		{"alias", "Tissot", "t old 1", "T120407"},
		{"alias through rules", "Tissot", "TISSOT-777", "T120407"},
		{"regex", "Pandora", "790500CZ", "790500"},
		{"regex no match", "Pandora", "ABC", "ABC"},
		{"rule order", "Orde", "00X12", "12"},
		{"rule order: zeros were stripped before the prefix", "Orde", "X0012", "0012"},
		{"other brand untouched", "Swatch", "TISSOT-0042", "TISSOT0042"},
		{"alias only for its brand", "Swatch", "T-OLD-1", "TOLD1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Key(tt.brand, tt.ref); got != tt.want {
				t.Errorf("Key(%q, %q) = %q, want %q", tt.brand, tt.ref, got, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want []string // parts of the error
	}{
		{"bad regex", Config{Rules: map[string][]KeyRule{"Tissot": {{StripLeadingZeros: true}, {Replace: "(["}}}},
			[]string{`brand "Tissot"`, "rule 2", `replace "(["`}},
		{"empty rule", Config{Rules: map[string][]KeyRule{"Pandora": {{}}}},
			[]string{`brand "Pandora"`, "rule 1", "exactly one"}},
		{"two actions", Config{Rules: map[string][]KeyRule{"Pandora": {{StripPrefix: "P", StripLeadingZeros: true}}}},
			[]string{`brand "Pandora"`, "exactly one"}},
		{"prefix without letters", Config{Rules: map[string][]KeyRule{"Pandora": {{StripPrefix: "--"}}}},
			[]string{`brand "Pandora"`, `strip_prefix "--"`}},
		{"alias incomplete", Config{Aliases: []Alias{{Brand: "Tissot", Old: "A1"}}},
			[]string{"alias 1", `brand "Tissot"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.c)
			if err == nil {
				t.Fatal("New accepted a bad configuration")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestSizeSuffix(t *testing.T) {
	m, err := New(Config{Rules: map[string][]KeyRule{
		"Thomas Sabo": {{SizeSuffix: `-(\d{2})$`}},
		"Cristal":     {{StripPrefix: "CR-"}, {SizeSuffix: `\s*T\.?(\d{2}(?:[.,]5)?)$`}, {SizeSuffix: `/(\d{2})$`}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, brand, ref, rest, size string
		ok                           bool
	}{
		{"dash and size", "Thomas Sabo", "TR2264-051-14-54", "TR2264-051-14", "54", true},
		{"lower case, spaces", "thomas sabo", "  tr2264-051-14-54 ", "TR2264-051-14", "54", true},
		{"invisible characters", "Thomas Sabo", "TR2264-051-14-\u200b54", "TR2264-051-14", "54", true},
		{"no size typed", "Thomas Sabo", "TR2264-051-A", "", "", false},
		// The pattern cannot tell a size from the reference's own end: the engine
		// only splits a reference that connects nothing whole.
		{"the reference's own end", "Thomas Sabo", "TR2264-051-14", "TR2264-051", "14", true},
		{"three digits are not a size", "Thomas Sabo", "TR2264-051-145", "", "", false},
		{"first rule that matches", "Cristal", "CR-1234 T52,5", "CR-1234", "52,5", true},
		{"second rule", "Cristal", "CR-1234/56", "CR-1234", "56", true},
		{"nothing left", "Thomas Sabo", "-54", "", "", false},
		{"brand without the rule", "Tissot", "T120-54", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rest, size, ok := m.KeyerFor(tt.brand).SplitSize(tt.ref)
			if rest != tt.rest || size != tt.size || ok != tt.ok {
				t.Errorf("SplitSize(%q) = %q, %q, %v; want %q, %q, %v", tt.ref, rest, size, ok, tt.rest, tt.size, tt.ok)
			}
		})
	}
	if !m.KeyerFor("THOMAS SABO").HasSizeSuffix() || m.KeyerFor("Tissot").HasSizeSuffix() {
		t.Error("HasSizeSuffix")
	}
	// The rule is not a step of the key.
	if got := m.Key("Thomas Sabo", "TR2264-051-14-54"); got != "TR22640511454" {
		t.Errorf("Key = %q", got)
	}
}

func TestSizeSuffixErrors(t *testing.T) {
	for name, r := range map[string]KeyRule{
		"no group":    {SizeSuffix: `-\d{2}$`},
		"bad pattern": {SizeSuffix: `-(\d{2}$`},
		"two actions": {SizeSuffix: `-(\d{2})$`, StripLeadingZeros: true},
	} {
		if _, err := New(Config{Rules: map[string][]KeyRule{"Thomas Sabo": {r}}}); err == nil || !strings.Contains(err.Error(), `brand "Thomas Sabo"`) {
			t.Errorf("%s: New = %v", name, err)
		}
	}
}

func TestAppendKeyHow(t *testing.T) {
	m, err := New(Config{
		Rules:   map[string][]KeyRule{"Tissot": {{StripPrefix: "TISSOT-"}}},
		Aliases: []Alias{{Brand: "Tissot", Old: "T-OLD-1", Canonical: "T120.407"}, {Brand: "Pandora", Old: "PAN-1", Canonical: "790500"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		brand, ref, key string
		how             KeyHow
	}{
		{"Tissot", "T120.407", "T120407", 0},
		{"Tissot", "TISSOT-T120.407", "T120407", KeyByRules},
		{"Tissot", "T-OLD-1", "T120407", KeyByAlias},
		{"Pandora", "pan 1", "790500", KeyByAlias},
		{"Pandora", "790500", "790500", 0},
		{"Swatch", "YVS-1", "YVS1", 0},
	}
	for _, tt := range tests {
		key, how := m.KeyerFor(tt.brand).AppendKeyHow(nil, tt.ref)
		if string(key) != tt.key || how != tt.how {
			t.Errorf("%s: AppendKeyHow(%q) = %q, %b; want %q, %b", tt.brand, tt.ref, key, how, tt.key, tt.how)
		}
	}
}

// TestConfigYAML: the brand rules decode from the site's configuration the same way,
// size_suffix included, unknown keys refused.
func TestConfigYAML(t *testing.T) {
	src := `
brands: {THOMAS SABO: Thomas Sabo}
rules:
  Thomas Sabo: [{size_suffix: '-(\d{2})$'}]
  Tissot: [{strip_prefix: TISSOT-}]
`
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if rest, size, ok := m.KeyerFor("Thomas Sabo").SplitSize("TR2264-051-14-54"); !ok || rest != "TR2264-051-14" || size != "54" {
		t.Errorf("SplitSize = %q, %q, %v", rest, size, ok)
	}
}
