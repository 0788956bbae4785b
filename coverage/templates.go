package coverage

import (
	"maps"
	"slices"
	"text/template/parse"
)

// templateQueries returns the PromQL queries an alert's label and
// annotation templates run with a literal argument ({{ query "expr" }}),
// found in the templates' parse trees. A query built at run time cannot be
// known and is not counted.
func templateQueries(ms ...map[string]string) []string {
	var out []string
	for _, m := range ms {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, queriesIn(m[k])...)
		}
	}
	return out
}

func queriesIn(text string) []string {
	t := parse.New("t")
	t.Mode = parse.SkipFuncCheck
	trees := map[string]*parse.Tree{}
	if _, err := t.Parse(text, "{{", "}}", trees); err != nil {
		return nil
	}
	var out []string
	for _, tr := range trees {
		walk(tr.Root, &out)
	}
	return out
}

// walk collects the literal arguments of query calls under n.
func walk(n parse.Node, out *[]string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walk(c, out)
		}
	case *parse.ActionNode:
		walk(n.Pipe, out)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, out)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, out)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, out)
	case *parse.TemplateNode:
		walk(n.Pipe, out)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walk(c, out)
		}
	case *parse.CommandNode:
		if len(n.Args) >= 2 {
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "query" {
				if s, ok := n.Args[1].(*parse.StringNode); ok {
					*out = append(*out, s.Text)
				}
			}
		}
		for _, a := range n.Args {
			walk(a, out)
		}
	}
}

func walkBranch(b *parse.BranchNode, out *[]string) {
	walk(b.Pipe, out)
	walk(b.List, out)
	walk(b.ElseList, out)
}
