package source

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
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
type SettingError struct {
	Line int
	Msg  string
}

func (e *SettingError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// loaderKeys are the keys of a source block that the configuration loader reads
// itself: the backend's kind and where its password comes from.
var loaderKeys = map[string]bool{"kind": true, "password": true}

// Decode decodes settings into v, a pointer to a backend's options struct (nil
// settings leave v as it is). A key v does not know is refused with its line: a
// misspelled setting would otherwise be ignored without a word.
func Decode(settings *yaml.Node, v any) error {
	if settings == nil {
		return nil
	}
	if settings.Kind == yaml.MappingNode {
		known := yamlKeys(reflect.TypeOf(v).Elem())
		for i := 0; i+1 < len(settings.Content); i += 2 {
			k := settings.Content[i]
			if !known[k.Value] && !loaderKeys[k.Value] {
				names := slices.Sorted(maps.Keys(known))
				return &SettingError{Line: k.Line, Msg: fmt.Sprintf("unknown source setting %q (known: %s)", k.Value, strings.Join(names, ", "))}
			}
		}
	}
	if err := settings.Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return &SettingError{Line: settings.Line, Msg: strings.Join(te.Errors, "; ")}
		}
		return err
	}
	return nil
}

// yamlKeys lists the YAML keys of a struct type, inline fields included.
func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return keys
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
		case strings.Contains(opts, "inline"):
			maps.Copy(keys, yamlKeys(f.Type))
		case name != "":
			keys[name] = true
		case f.IsExported():
			keys[strings.ToLower(f.Name)] = true
		}
	}
	return keys
}
