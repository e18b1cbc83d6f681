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
// StripLeadingZeros, Replace and SizeSuffix is set. Rules work on the key, so a
// prefix is compared keyed ("TISSOT-" strips "TISSOT") and a pattern sees only
// upper-case letters and digits.
//
// SizeSuffix is the exception: it is not a step of the key but a second try, for
// boutiques that type the ring size into the reference. When a reference connects
// nothing, the pattern (RE2) is matched against it as typed — trimmed, upper case,
// invisible characters removed, since the separator before the size is what tells
// it apart — and group 1 is the size: what the whole match covered is taken off the
// reference, which is keyed again. `-(\d{2})$` reads "TR2264-051-14-54" as the
// reference "TR2264-051-14" in size 54. It only connects a product sold in sizes.
type KeyRule struct {
	StripPrefix       string `yaml:"strip_prefix" json:"strip_prefix,omitempty"`
	StripLeadingZeros bool   `yaml:"strip_leading_zeros" json:"strip_leading_zeros,omitempty"`
	Replace           string `yaml:"replace" json:"replace,omitempty"`         // a regular expression (RE2)
	With              string `yaml:"with" json:"with,omitempty"`               // its replacement ($1 expands)
	SizeSuffix        string `yaml:"size_suffix" json:"size_suffix,omitempty"` // a regular expression (RE2), group 1 the size
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
			if r.SizeSuffix != "" {
				re, err := compileSizeSuffix(r)
				if err != nil {
					errs = append(errs, fmt.Errorf("brand %q, rule %d: %w", brand, i+1, err))
					continue
				}
				k.sizeSuffix = append(k.sizeSuffix, re)
				continue
			}
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
		old, _ := k.ruled(a.Old)
		canonical, _ := k.ruled(a.Canonical)
		k.aliases[old] = canonical
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
	steps      []step
	aliases    map[string]string // ruled old key → ruled canonical key
	sizeSuffix []*regexp.Regexp  // size_suffix rules, in order
}

// KeyHow says what made a key besides the base key (Key): a KeyBy… bit set.
type KeyHow uint8

const (
	KeyByRules KeyHow = 1 << iota // the brand's rules changed the base key
	KeyByAlias                    // the alias table gave the key
)

// Key returns the matching key of a reference of the keyer's brand.
func (k *Keyer) Key(ref string) string {
	key, _ := k.keyHow(ref)
	return key
}

func (k *Keyer) keyHow(ref string) (string, KeyHow) {
	key, how := k.ruled(ref)
	if c, ok := k.aliases[key]; ok {
		return c, how | KeyByAlias
	}
	return key, how
}

// AppendKey appends the matching key of ref to dst, as Key returns it. It does not
// allocate for a brand without rules and an all-ASCII reference.
func (k *Keyer) AppendKey(dst []byte, ref string) []byte {
	dst, _ = k.AppendKeyHow(dst, ref)
	return dst
}

// AppendKeyHow is AppendKey, and says whether the brand's rules or its aliases made
// the key: what connected a reference, for the reports.
func (k *Keyer) AppendKeyHow(dst []byte, ref string) ([]byte, KeyHow) {
	if len(k.steps) > 0 {
		key, how := k.keyHow(ref)
		return append(dst, key...), how
	}
	n := len(dst)
	dst = AppendKey(dst, ref)
	if c, ok := k.aliases[string(dst[n:])]; ok {
		return append(dst[:n], c...), KeyByAlias
	}
	return dst, 0
}

// HasSizeSuffix reports whether the brand has a size_suffix rule.
func (k *Keyer) HasSizeSuffix() bool { return len(k.sizeSuffix) > 0 }

// SplitSize applies the brand's size_suffix rules, in order, to a reference: the
// first that matches gives the reference without the size, and the size (group 1).
// ok is false when none matches, or the match leaves no reference or no size.
func (k *Keyer) SplitSize(ref string) (rest, size string, ok bool) {
	if len(k.sizeSuffix) == 0 {
		return "", "", false
	}
	s := strings.ToUpper(strings.TrimSpace(StripInvisible(ref)))
	for _, re := range k.sizeSuffix {
		m := re.FindStringSubmatchIndex(s)
		if m == nil || m[2] < 0 || m[2] == m[3] {
			continue
		}
		rest = s[:m[0]] + s[m[1]:]
		if Key(rest) == "" {
			continue
		}
		return rest, s[m[2]:m[3]], true
	}
	return "", "", false
}

func (k *Keyer) ruled(ref string) (string, KeyHow) {
	key := Key(ref)
	if len(k.steps) == 0 {
		return key, 0
	}
	base := key
	for _, s := range k.steps {
		key = s(key)
	}
	if key != base {
		return key, KeyByRules
	}
	return key, 0
}

func compileSizeSuffix(r KeyRule) (*regexp.Regexp, error) {
	if r.StripPrefix != "" || r.StripLeadingZeros || r.Replace != "" {
		return nil, errors.New("set exactly one of strip_prefix, strip_leading_zeros, replace, size_suffix")
	}
	re, err := regexp.Compile(r.SizeSuffix)
	if err != nil {
		return nil, fmt.Errorf("size_suffix %q: %w", r.SizeSuffix, err)
	}
	if re.NumSubexp() < 1 {
		return nil, fmt.Errorf("size_suffix %q: group 1 must capture the size", r.SizeSuffix)
	}
	return re, nil
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
		return nil, errors.New("set exactly one of strip_prefix, strip_leading_zeros, replace, size_suffix")
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
