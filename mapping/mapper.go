package mapping

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Config is a site's mapping configuration.
type Config struct {
	// Brands maps ERP brand names to catalog brands. Names are compared case and
	// accent folded.
	Brands map[string]string `yaml:"brands" json:"brands,omitempty"`
	// Rules are each catalog brand's reference rules, applied in order to the base
	// key (Key) of a reference.
	Rules map[string][]KeyRule `yaml:"rules" json:"rules,omitempty"`
	// Aliases are the spellings a brand changed over time, kept by CSMs.
	Aliases []Alias `yaml:"aliases" json:"aliases,omitempty"`
}

// KeyRule is one step of a brand's reference rules. Exactly one of StripPrefix,
// StripLeadingZeros and Replace is set. Rules work on the key, so a prefix is
// compared keyed ("TISSOT-" strips "TISSOT") and a pattern sees only upper-case
// letters and digits.
type KeyRule struct {
	StripPrefix       string `yaml:"strip_prefix" json:"strip_prefix,omitempty"`
	StripLeadingZeros bool   `yaml:"strip_leading_zeros" json:"strip_leading_zeros,omitempty"`
	Replace           string `yaml:"replace" json:"replace,omitempty"` // a regular expression (RE2)
	With              string `yaml:"with" json:"with,omitempty"`       // its replacement ($1 expands)
}

// Alias says that, for a brand, an old spelling of a reference is now Canonical.
type Alias struct {
	Brand     string `yaml:"brand" json:"brand"`         // catalog brand
	Old       string `yaml:"old" json:"old"`             // the old spelling
	Canonical string `yaml:"canonical" json:"canonical"` // the reference as the catalog knows it
}

// Mapper maps ERP brands to catalog brands and references to keys, with a site's
// configuration. It is safe for concurrent use.
type Mapper struct {
	brands *BrandTable
	keyers map[string]*Keyer // by folded catalog brand
	plain  *Keyer            // for brands without rules or aliases
}

// New checks a configuration and prepares its rules (regular expressions compiled
// once). Errors name the brand and the rule at fault.
func New(c Config) (*Mapper, error) {
	m := &Mapper{
		brands: NewBrandTable(c.Brands),
		keyers: make(map[string]*Keyer),
		plain:  &Keyer{},
	}
	var errs []error
	brands := make([]string, 0, len(c.Rules))
	for brand := range c.Rules {
		brands = append(brands, brand)
	}
	slices.Sort(brands) // errors in a stable order
	for _, brand := range brands {
		rules := c.Rules[brand]
		k := m.keyer(brand)
		for i, r := range rules {
			s, err := compileRule(r)
			if err != nil {
				errs = append(errs, fmt.Errorf("brand %q, rule %d: %w", brand, i+1, err))
				continue
			}
			k.steps = append(k.steps, s)
		}
	}
	for i, a := range c.Aliases {
		if strings.TrimSpace(a.Brand) == "" || Key(a.Old) == "" || Key(a.Canonical) == "" {
			errs = append(errs, fmt.Errorf("alias %d (brand %q, %q → %q): brand, old and canonical spellings are all required", i+1, a.Brand, a.Old, a.Canonical))
			continue
		}
		k := m.keyer(a.Brand)
		if k.aliases == nil {
			k.aliases = make(map[string]string)
		}
		k.aliases[k.ruled(a.Old)] = k.ruled(a.Canonical)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("mapping configuration: %w", errors.Join(errs...))
	}
	return m, nil
}

func (m *Mapper) keyer(brand string) *Keyer {
	f := FoldBrand(brand)
	k := m.keyers[f]
	if k == nil {
		k = &Keyer{}
		m.keyers[f] = k
	}
	return k
}

// Brand returns the catalog brand of an ERP brand name; ok is false when the brand
// table does not map it.
func (m *Mapper) Brand(erpBrand string) (catalogBrand string, ok bool) {
	return m.brands.Lookup(erpBrand)
}

// Key returns the matching key of a catalog brand's reference: the base key, then
// the brand's rules, then its aliases.
func (m *Mapper) Key(catalogBrand, ref string) string {
	return m.KeyerFor(catalogBrand).Key(ref)
}

// KeyerFor returns the keyer of a catalog brand, for callers keying many references
// of one brand.
func (m *Mapper) KeyerFor(catalogBrand string) *Keyer {
	if k := m.keyers[FoldBrand(catalogBrand)]; k != nil {
		return k
	}
	return m.plain
}

// Keyer keys the references of one brand.
type Keyer struct {
	steps   []step
	aliases map[string]string // ruled old key → ruled canonical key
}

// Key returns the matching key of a reference of the keyer's brand.
func (k *Keyer) Key(ref string) string {
	key := k.ruled(ref)
	if c, ok := k.aliases[key]; ok {
		return c
	}
	return key
}

// AppendKey appends the matching key of ref to dst, as Key returns it. It does not
// allocate for a brand without rules and an all-ASCII reference.
func (k *Keyer) AppendKey(dst []byte, ref string) []byte {
	if len(k.steps) > 0 {
		return append(dst, k.Key(ref)...)
	}
	n := len(dst)
	dst = AppendKey(dst, ref)
	if c, ok := k.aliases[string(dst[n:])]; ok {
		return append(dst[:n], c...)
	}
	return dst
}

func (k *Keyer) ruled(ref string) string {
	key := Key(ref)
	for _, s := range k.steps {
		key = s(key)
	}
	return key
}

type step func(key string) string

func compileRule(r KeyRule) (step, error) {
	set := 0
	if r.StripPrefix != "" {
		set++
	}
	if r.StripLeadingZeros {
		set++
	}
	if r.Replace != "" {
		set++
	}
	if set != 1 {
		return nil, errors.New("set exactly one of strip_prefix, strip_leading_zeros, replace")
	}
	switch {
	case r.StripPrefix != "":
		p := Key(r.StripPrefix)
		if p == "" {
			return nil, fmt.Errorf("strip_prefix %q has no letter or digit", r.StripPrefix)
		}
		return func(key string) string { return strings.TrimPrefix(key, p) }, nil
	case r.StripLeadingZeros:
		return func(key string) string { return strings.TrimLeft(key, "0") }, nil
	default:
		re, err := regexp.Compile(r.Replace)
		if err != nil {
			return nil, fmt.Errorf("replace %q: %w", r.Replace, err)
		}
		return func(key string) string { return Key(re.ReplaceAllString(key, r.With)) }, nil
	}
}
