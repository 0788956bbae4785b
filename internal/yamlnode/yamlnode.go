// Package yamlnode reads yaml.v3 node trees, which keep the line and column
// of everything written: documents, mappings, their keys and values, and
// sequence items. Aliases are followed wherever a node is returned.
package yamlnode

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
)

// Deref follows an alias node to the node it names.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// Content returns a document node's content, or n itself.
func Content(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return n.Content[0]
	}
	return n
}

// Mapping returns the mapping a document (or node) holds, or nil.
func Mapping(n *yaml.Node) *yaml.Node {
	n = Deref(Content(n))
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

// Key returns the key node of key in mapping m, or nil.
func Key(m *yaml.Node, key string) *yaml.Node {
	m = Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// Value returns the value node of key in mapping m, or nil.
func Value(m *yaml.Node, key string) *yaml.Node {
	m = Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return Deref(m.Content[i+1])
		}
	}
	return nil
}

// Item returns the i-th element of a sequence node, or nil when there is
// none (the node is not a sequence, or a merge key made the decoded value
// longer than the written one).
func Item(seq *yaml.Node, i int) *yaml.Node {
	seq = Deref(seq)
	if seq == nil || seq.Kind != yaml.SequenceNode || i < 0 || i >= len(seq.Content) {
		return nil
	}
	return Deref(seq.Content[i])
}

// Items returns the elements of a sequence node, or nil.
func Items(seq *yaml.Node) []*yaml.Node {
	seq = Deref(seq)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil
	}
	return seq.Content
}

// Documents decodes every YAML document of content, in order. The error is
// the decoder's, for the caller to place in its file.
func Documents(content []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(content))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

// ErrorLine says where a YAML decoding error is and what it says. A
// yamlsafe.LimitError carries its line; the YAML library gives a line only
// inside its message ("yaml: line N: ..."), so this is the one place that
// reads it. Of a TypeError's list it takes the
// first entry, the one a user fixes first. The line is 0 when the message
// names none.
func ErrorLine(err error) (line int, msg string) {
	var le *yamlsafe.LimitError
	if errors.As(err, &le) {
		return le.Line, le.Msg
	}
	msg = err.Error()
	var te *yaml.TypeError
	var te2 *yamlv2.TypeError
	switch {
	case errors.As(err, &te) && len(te.Errors) > 0:
		msg = te.Errors[0]
	case errors.As(err, &te2) && len(te2.Errors) > 0:
		// yaml.v2, which Prometheus's own configuration types decode with.
		msg = te2.Errors[0]
	}
	return MessageLine(msg)
}

// MessageLine splits a YAML library message "yaml: line N: ..." into N and
// the rest, without the "yaml: " prefixes; N is 0 when it names no line.
func MessageLine(msg string) (int, string) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, tail, ok := strings.Cut(rest, ": ")
	if !ok {
		return 0, msg
	}
	l, err := strconv.Atoi(num)
	if err != nil {
		return 0, msg
	}
	return l, strings.TrimPrefix(tail, "yaml: ")
}
