package settings

import (
	"fmt"
	"slices"
	"sync"
)

// Registry holds the kinds of one family of plugins (source backends, shop
// kinds): each registers its opener from init under its name.
type Registry[F any] struct {
	family string // "source", "shop": for messages
	mu     sync.RWMutex
	kinds  map[string]F
}

// NewRegistry returns an empty registry for a family of plugins.
func NewRegistry[F any](family string) *Registry[F] {
	return &Registry[F]{family: family, kinds: map[string]F{}}
}

// Register makes open available under kind. It panics on a duplicate kind, a
// programming error.
func (r *Registry[F]) Register(kind string, open F) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.kinds[kind]; dup {
		panic(r.family + ": Register called twice for " + kind)
	}
	r.kinds[kind] = open
}

// Get returns the opener of kind, or an error listing the known kinds.
func (r *Registry[F]) Get(kind string) (F, error) {
	r.mu.RLock()
	open, ok := r.kinds[kind]
	r.mu.RUnlock()
	if !ok {
		return open, fmt.Errorf("open %s: unknown kind %q (known: %v)", r.family, kind, r.Kinds())
	}
	return open, nil
}

// Kinds lists the registered kinds, sorted.
func (r *Registry[F]) Kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	kinds := make([]string, 0, len(r.kinds))
	for k := range r.kinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}
