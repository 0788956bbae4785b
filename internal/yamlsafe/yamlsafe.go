// Package yamlsafe refuses YAML documents that would be expensive to decode:
// documents nested too deeply, and documents whose aliases expand to far more
// nodes than they are written with (the "billion laughs" attack).
package yamlsafe

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// Limits for Check.
var (
	// MaxDepth is the deepest nesting of mappings and sequences accepted.
	MaxDepth = 200
	// MaxExpandedNodes is the most nodes a document may have once its
	// aliases are expanded.
	MaxExpandedNodes = 5_000_000
	// MaxExpandedBytes is the most bytes of scalar text a document may
	// decode to once its aliases are expanded: a large scalar repeated
	// through aliases costs its size at each use, though it adds one node.
	MaxExpandedBytes int64 = 64 << 20
)

// Check returns an error describing the first limit the content breaks. It
// does not report YAML syntax errors: the decoder that follows reports them
// with better context.
func Check(content []byte) error {
	if err := CheckText(content); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(content))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) || err != nil {
			return nil
		}
		if err := CheckNode(&doc); err != nil {
			return err
		}
	}
}

// CheckText refuses, before it is parsed, YAML text written with more than
// MaxNodes nodes, at the line where it passes the limit: parsing it would
// hold them all in memory.
func CheckText(content []byte) error {
	if line := overNodes(content, MaxNodes); line > 0 {
		return &LimitError{Line: line, Msg: fmt.Sprintf("more than %d YAML nodes (keys, values, list entries) by this line; refusing to parse the file", MaxNodes)}
	}
	return nil
}

// LimitError is a document that breaks a limit, at the line where it does.
type LimitError struct {
	Line int
	Msg  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// CheckNode is Check for a document already decoded into a node tree.
func CheckNode(doc *yaml.Node) error {
	if err := checkDepth(doc, 0); err != nil {
		return err
	}
	memo := map[*yaml.Node]size{}
	switch sz := expanded(doc, memo, 0); {
	case sz.nodes > MaxExpandedNodes && firstAlias(doc) == 0:
		return &LimitError{Line: doc.Line, Msg: fmt.Sprintf("the document has more than %d YAML nodes; refusing to decode it", MaxExpandedNodes)}
	case sz.nodes > MaxExpandedNodes:
		return &LimitError{Line: firstAlias(doc), Msg: fmt.Sprintf("YAML aliases expand to more than %d nodes; refusing to expand the document", MaxExpandedNodes)}
	case sz.bytes > MaxExpandedBytes:
		return &LimitError{Line: firstAlias(doc), Msg: fmt.Sprintf("YAML aliases expand to more than %d bytes of text; refusing to expand the document", MaxExpandedBytes)}
	}
	return nil
}

func checkDepth(n *yaml.Node, depth int) error {
	if depth > MaxDepth {
		return &LimitError{Line: n.Line, Msg: fmt.Sprintf("YAML nested more than %d levels deep", MaxDepth)}
	}
	for _, c := range n.Content {
		if err := checkDepth(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// size is what a node decodes to: nodes, and bytes of scalar text.
type size struct {
	nodes int
	bytes int64
}

func (s size) over() bool { return s.nodes > MaxExpandedNodes || s.bytes > MaxExpandedBytes }

// expanded counts the nodes and text of n with aliases expanded,
// saturating early.
func expanded(n *yaml.Node, memo map[*yaml.Node]size, depth int) size {
	if v, ok := memo[n]; ok {
		return v
	}
	if depth > MaxDepth {
		return size{nodes: MaxExpandedNodes + 1}
	}
	total := size{nodes: 1, bytes: int64(len(n.Value))}
	add := func(c *yaml.Node) bool {
		s := expanded(c, memo, depth+1)
		total.nodes += s.nodes
		total.bytes += s.bytes
		return total.over()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		total.bytes = 0 // an alias's Value is its anchor's name
		add(n.Alias)
	}
	for _, c := range n.Content {
		if add(c) {
			break
		}
	}
	if n.Anchor != "" {
		memo[n] = total // only an anchored node is reached more than once
	}
	return total
}

func firstAlias(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		return n.Line
	}
	for _, c := range n.Content {
		if l := firstAlias(c); l > 0 {
			return l
		}
	}
	return 0
}

// DecodeStrict checks content (Check) and decodes its first document into
// v, refusing unknown fields. An error is one line: the first of the
// decoder's errors, with how many more there are.
func DecodeStrict(content []byte, v any) error {
	if err := Check(content); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(content))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		if n := len(te.Errors) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more errors)", n)
		}
		return errors.New(msg)
	}
	return err
}
