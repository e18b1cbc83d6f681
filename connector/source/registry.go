package source

import (
	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/settings"
)

// OpenFunc opens a backend from its YAML settings.
type OpenFunc func(settings *yaml.Node, env Env) (Source, error)

var registry = settings.NewRegistry[OpenFunc]("source")

// Register makes a backend available to Open under kind ("ftp", "folder").
// Backends call it from init; it panics on a duplicate kind, a programming error.
func Register(kind string, open OpenFunc) { registry.Register(kind, open) }

// Open opens a source of the given kind from its settings (nil for none).
func Open(kind string, block *yaml.Node, env Env) (Source, error) {
	open, err := registry.Get(kind)
	if err != nil {
		return nil, err
	}
	return open(block, env)
}

// Kinds lists the registered kinds, sorted.
func Kinds() []string { return registry.Kinds() }

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
