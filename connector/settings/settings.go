// Package settings decodes a plugin's block of the configuration — a source
// backend's, a shop kind's — strictly: a key the plugin does not know is refused
// with its line, so that a misspelled setting is never ignored without a word.
package settings

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a setting that is wrong, at a line of the configuration.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Decode decodes block into v, a pointer to a plugin's options struct (a nil block
// leaves v as it is). section names the block in messages ("source", "shop");
// loaderKeys are the block's keys that the configuration loader reads itself (the
// kind, where a secret comes from), allowed beside v's own.
func Decode(block *yaml.Node, v any, section string, loaderKeys ...string) error {
	if block == nil || block.Kind == 0 {
		return nil
	}
	if block.Kind == yaml.MappingNode {
		known := Keys(reflect.TypeOf(v).Elem())
		for i := 0; i+1 < len(block.Content); i += 2 {
			k := block.Content[i]
			if !known[k.Value] && !slices.Contains(loaderKeys, k.Value) {
				names := slices.Sorted(maps.Keys(known))
				return &Error{Line: k.Line, Msg: fmt.Sprintf("unknown %s setting %q (known: %s)", section, k.Value, strings.Join(names, ", "))}
			}
		}
	}
	if err := block.Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return &Error{Line: block.Line, Msg: strings.Join(te.Errors, "; ")}
		}
		return err
	}
	return nil
}

// Keys lists the YAML keys of a struct type, inline fields included.
func Keys(t reflect.Type) map[string]bool {
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
			maps.Copy(keys, Keys(f.Type))
		case name != "":
			keys[name] = true
		case f.IsExported():
			keys[strings.ToLower(f.Name)] = true
		}
	}
	return keys
}
