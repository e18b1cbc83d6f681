package reconcile

import "github.com/ecrin-connect/ecrin/mapping"

// scope is a Rule ready to test products against.
type scope struct {
	all        bool
	brands     map[string]bool // folded
	categories map[string]bool // folded
	refs       map[string]bool // base keys
	delay      int
}

func compileRules(rs []Rule) []scope {
	out := make([]scope, 0, len(rs))
	for _, r := range rs {
		s := scope{delay: max(r.DelayDays, 0)}
		s.all = len(r.Brands) == 0 && len(r.Categories) == 0 && len(r.Refs) == 0
		s.brands = foldSet(r.Brands, mapping.FoldBrand)
		s.categories = foldSet(r.Categories, mapping.FoldBrand)
		s.refs = foldSet(r.Refs, mapping.Key)
		out = append(out, s)
	}
	return out
}

func foldSet(xs []string, fold func(string) string) map[string]bool {
	if len(xs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[fold(x)] = true
	}
	return m
}

// covers reports whether the rule applies to a product of a folded brand and
// category.
func (s *scope) covers(p *Product, brand, category string) bool {
	return s.all || s.brands[brand] || s.categories[category] ||
		(s.refs != nil && s.refs[mapping.Key(p.Ref)])
}
