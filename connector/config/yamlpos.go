package config

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// child returns the value node of key in a mapping node.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// without returns a copy of mapping node n without key.
func without(n *yaml.Node, key string) *yaml.Node {
	cp := *n
	cp.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			cp.Content = append(cp.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &cp
}

// lineOf returns the line of the deepest node of path that exists (the key's line).
func lineOf(doc *yaml.Node, path ...string) int {
	line := 0
	n := doc
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line = n.Content[i].Line
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			break
		}
	}
	return line
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a parse error into an Error with its line.
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		if m := yamlLine.FindStringSubmatch(te.Errors[0]); m != nil {
			l, _ := strconv.Atoi(m[1])
			return &Error{File: name, Line: l, Msg: m[2]}
		}
		return &Error{File: name, Msg: strings.Join(te.Errors, "; ")}
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		l, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: l, Msg: m[2]}
	}
	return &Error{File: name, Msg: err.Error()}
}
