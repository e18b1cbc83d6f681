package source

import (
	"fmt"
	"slices"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/settings"
)

// OpenFunc opens a backend from its YAML settings.
type OpenFunc func(settings *yaml.Node, env Env) (Source, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]OpenFunc{}
)

// Register makes a backend available to Open under kind ("ftp",
// "folder"). Backends call it from init; it panics on a duplicate kind, a
// programming error.
func Register(kind string, open OpenFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[kind]; dup {
		panic("source: Register called twice for " + kind)
	}
	registry[kind] = open
}

// Open opens a source of the given kind from its settings (nil for none).
func Open(kind string, settings *yaml.Node, env Env) (Source, error) {
	registryMu.RLock()
	open, ok := registry[kind]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("open source: unknown kind %q (known: %v)", kind, Kinds())
	}
	return open(settings, env)
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	kinds := make([]string, 0, len(registry))
	for k := range registry {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// SettingError is a source setting that is wrong, at a line of the configuration.
type SettingError = settings.Error

// loaderKeys are the keys of a source block that the configuration loader reads
// itself: the backend's kind and where its password comes from.
var loaderKeys = []string{"kind", "password"}

// Decode decodes a source block into v, a pointer to a backend's options struct
// (nil settings leave v as it is). A key v does not know is refused with its line:
// a misspelled setting would otherwise be ignored without a word.
func Decode(block *yaml.Node, v any) error {
	return settings.Decode(block, v, "source", loaderKeys...)
}
