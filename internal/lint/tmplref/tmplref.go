// Package tmplref finds what an alert's label and annotation templates
// refer to ($labels.x and $value), parsing them with Go's template parser
// as Prometheus does. It is not a check: the template checks use it.
package tmplref

import (
	"strings"
	"text/template/parse"
)

// Defs are the variables Prometheus defines before a rule's
// label and annotation templates.
const Defs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// LabelRef is a reference to one of the alert's labels in a template.
type LabelRef struct {
	Label  string
	Offset int // byte offset in the template text
}

// ValueUse is a use of the alert's value printed by a template action.
type ValueUse struct {
	Offset    int
	Formatted bool
	// Format is the first formatting function of the pipeline, if any.
	Format string
}

// Info is what a template refers to.
type Info struct {
	Labels []LabelRef
	Values []ValueUse
}

// formatFuncs are the template functions that format a number for humans.
var formatFuncs = map[string]bool{
	"humanize": true, "humanize1024": true, "humanizeDuration": true, "humanizePercentage": true,
	"humanizeTimestamp": true, "printf": true, "toTime": true, "toDuration": true,
}

// Inspect parses a rule template as Prometheus does and finds its
// references to $labels and $value. It returns nil when the template does
// not parse (syntax/template reports that).
func Inspect(text string) *Info {
	if IsPlainText(text) {
		// No action: the parse is one text node, which refers to nothing.
		return &Info{}
	}
	return inspect(text)
}

// IsPlainText tells whether a template holds no action: it parses to its
// own text and renders to it whatever the data.
func IsPlainText(text string) bool { return !strings.Contains(text, "{{") }

func inspect(text string) *Info {
	tr := parse.New("t")
	tr.Mode = parse.SkipFuncCheck
	treeSet := map[string]*parse.Tree{}
	if _, err := tr.Parse(Defs+text, "{{", "}}", treeSet); err != nil {
		return nil
	}
	info := &Info{}
	off := func(p parse.Pos) int { return int(p) - len(Defs) }
	var walk func(n parse.Node, dotIsAlert bool)
	walkPipe := func(p *parse.PipeNode, dotIsAlert, printed bool) {
		if p == nil {
			return
		}
		format := ""
		usesValue := -1
		for _, c := range p.Cmds {
			if len(c.Args) > 0 {
				if id, ok := c.Args[0].(*parse.IdentifierNode); ok && formatFuncs[id.Ident] && format == "" {
					format = id.Ident
				}
			}
			for i, a := range c.Args {
				switch a := a.(type) {
				case *parse.VariableNode:
					if a.Ident[0] == "$labels" && len(a.Ident) > 1 {
						// The node's position is its first field's; point
						// at the variable.
						info.Labels = append(info.Labels, LabelRef{Label: a.Ident[1], Offset: off(a.Pos) - len("$labels")})
					}
					if a.Ident[0] == "$labels" && len(a.Ident) == 1 && i == 1 {
						if id, ok := c.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" && len(c.Args) > 2 {
							if s, ok := c.Args[2].(*parse.StringNode); ok {
								info.Labels = append(info.Labels, LabelRef{Label: s.Text, Offset: off(s.Pos)})
							}
						}
					}
					if a.Ident[0] == "$value" && usesValue < 0 {
						usesValue = off(a.Pos)
					}
				case *parse.FieldNode:
					if !dotIsAlert {
						continue
					}
					if a.Ident[0] == "Labels" && len(a.Ident) > 1 {
						info.Labels = append(info.Labels, LabelRef{Label: a.Ident[1], Offset: off(a.Pos) - len(".Labels")})
					}
					if a.Ident[0] == "Value" && usesValue < 0 {
						usesValue = off(a.Pos)
					}
				case *parse.PipeNode:
					walk(a, dotIsAlert)
				}
			}
		}
		if printed && usesValue >= 0 {
			info.Values = append(info.Values, ValueUse{Offset: usesValue, Formatted: format != "", Format: format})
		}
	}
	walk = func(n parse.Node, dotIsAlert bool) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c, dotIsAlert)
			}
		case *parse.ActionNode:
			walkPipe(n.Pipe, dotIsAlert, len(n.Pipe.Decl) == 0)
		case *parse.PipeNode:
			walkPipe(n, dotIsAlert, false)
		case *parse.IfNode:
			walkPipe(n.Pipe, dotIsAlert, false)
			walk(n.List, dotIsAlert)
			walk(n.ElseList, dotIsAlert)
		case *parse.RangeNode:
			walkPipe(n.Pipe, dotIsAlert, false)
			walk(n.List, false)
			walk(n.ElseList, dotIsAlert)
		case *parse.WithNode:
			walkPipe(n.Pipe, dotIsAlert, false)
			walk(n.List, false)
			walk(n.ElseList, dotIsAlert)
		case *parse.TemplateNode:
			walkPipe(n.Pipe, dotIsAlert, false)
		}
	}
	walk(tr.Root, true)
	for _, t := range treeSet {
		if t != tr && t.Root != nil {
			walk(t.Root, false)
		}
	}
	return info
}
