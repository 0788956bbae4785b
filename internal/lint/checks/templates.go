package checks

import (
	"text/template/parse"
)

// templateDefs are the variables Prometheus defines before a rule's
// label and annotation templates.
const templateDefs = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

// labelRef is a reference to one of the alert's labels in a template.
type labelRef struct {
	Label  string
	Offset int // byte offset in the template text
}

// valueUse is a use of the alert's value printed by a template action.
type valueUse struct {
	Offset    int
	Formatted bool
	// Format is the first formatting function of the pipeline, if any.
	Format string
}

// templateInfo is what a template refers to.
type templateInfo struct {
	Labels []labelRef
	Values []valueUse
}

// formatFuncs are the template functions that format a number for humans.
var formatFuncs = map[string]bool{
	"humanize": true, "humanize1024": true, "humanizeDuration": true, "humanizePercentage": true,
	"humanizeTimestamp": true, "printf": true, "toTime": true, "toDuration": true,
}

// inspectTemplate parses a rule template as Prometheus does and finds its
// references to $labels and $value. It returns nil when the template does
// not parse (syntax/template reports that).
func inspectTemplate(text string) *templateInfo {
	tr := parse.New("t")
	tr.Mode = parse.SkipFuncCheck
	treeSet := map[string]*parse.Tree{}
	if _, err := tr.Parse(templateDefs+text, "{{", "}}", treeSet); err != nil {
		return nil
	}
	info := &templateInfo{}
	off := func(p parse.Pos) int { return int(p) - len(templateDefs) }
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
						info.Labels = append(info.Labels, labelRef{Label: a.Ident[1], Offset: off(a.Pos) - len("$labels")})
					}
					if a.Ident[0] == "$labels" && len(a.Ident) == 1 && i == 1 {
						if id, ok := c.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" && len(c.Args) > 2 {
							if s, ok := c.Args[2].(*parse.StringNode); ok {
								info.Labels = append(info.Labels, labelRef{Label: s.Text, Offset: off(s.Pos)})
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
						info.Labels = append(info.Labels, labelRef{Label: a.Ident[1], Offset: off(a.Pos) - len(".Labels")})
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
			info.Values = append(info.Values, valueUse{Offset: usesValue, Formatted: format != "", Format: format})
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
