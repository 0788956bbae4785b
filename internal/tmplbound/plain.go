package tmplbound

import (
	"text/template/parse"
)

// Functions whose result is at most about the size of their arguments, or
// small: the data they select, a number they format, a bool. Everything a
// plain template calls is one of these (or printf with a small format).
var boundedFuncs = map[string]bool{
	// text/template
	"and": true, "or": true, "not": true, "len": true, "index": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
	// Prometheus
	"query": true, "first": true, "label": true, "value": true, "strvalue": true,
	"args": true, "safeHtml": true, "match": true, "title": true,
	"toUpper": true, "toLower": true, "sortByLabel": true, "stripPort": true,
	"stripDomain": true, "humanize": true, "humanize1024": true,
	"humanizeDuration": true, "humanizePercentage": true,
	"humanizeTimestamp": true, "toTime": true, "toDuration": true, "now": true,
	"pathPrefix": true, "externalURL": true, "parseDuration": true,
}

// plain reports whether a template's output is bounded by a small multiple
// of its text plus the data it prints: one tree (no define or template), no
// range, no variable holding a call's result, and only bounded functions
// and printf with a small literal format of plain arguments.
func plain(trees map[string]*parse.Tree) bool {
	if len(trees) > 1 {
		return false
	}
	for _, tr := range trees {
		return tr.Root == nil || plainList(tr.Root)
	}
	return true
}

func plainList(l *parse.ListNode) bool {
	if l == nil {
		return true
	}
	for _, n := range l.Nodes {
		if !plainNode(n) {
			return false
		}
	}
	return true
}

func plainNode(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode:
		return true
	case *parse.ActionNode:
		return plainPipe(n.Pipe)
	case *parse.IfNode:
		return plainPipe(n.Pipe) && plainList(n.List) && plainList(n.ElseList)
	case *parse.WithNode:
		return plainPipe(n.Pipe) && plainList(n.List) && plainList(n.ElseList)
	}
	// range, template, break, continue and anything newer
	return false
}

// plainPipe: a declaration holds no call's result, and every call is
// bounded.
func plainPipe(p *parse.PipeNode) bool {
	if p == nil {
		return true
	}
	calls := false
	for i, c := range p.Cmds {
		fn, isCall := calledFunc(c)
		switch {
		case !isCall:
			if !plainArgs(c.Args) {
				return false
			}
			continue
		case fn == "printf":
			// printf's own arguments must be plain data, and a piped
			// value must not come from a call.
			if calls || !smallFormat(c) || !dataArgs(c.Args[1:]) {
				return false
			}
		case !boundedFuncs[fn] || !plainArgs(c.Args[1:]):
			return false
		}
		calls = true
		_ = i
	}
	return !(calls && len(p.Decl) > 0)
}

// calledFunc returns the function a command calls, if it calls one.
func calledFunc(c *parse.CommandNode) (string, bool) {
	if len(c.Args) == 0 {
		return "", false
	}
	if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
		return id.Ident, true
	}
	return "", false
}

// plainArgs: arguments that are data, or parenthesised pipelines that are
// plain.
func plainArgs(args []parse.Node) bool {
	for _, a := range args {
		switch a := a.(type) {
		case *parse.PipeNode:
			if len(a.Decl) > 0 || !plainPipe(a) {
				return false
			}
		case *parse.ChainNode:
			if p, ok := a.Node.(*parse.PipeNode); ok && !plainPipe(p) {
				return false
			}
		}
	}
	return true
}

// dataArgs: arguments that are data (no call at all).
func dataArgs(args []parse.Node) bool {
	for _, a := range args {
		switch a.(type) {
		case *parse.PipeNode, *parse.ChainNode, *parse.IdentifierNode:
			return false
		}
	}
	return true
}

// smallFormat: printf's format is a literal string with no width or
// precision above 99 and no explicit argument index (which lets one
// argument be printed many times).
func smallFormat(c *parse.CommandNode) bool {
	if len(c.Args) < 2 {
		return true
	}
	s, ok := c.Args[1].(*parse.StringNode)
	if !ok {
		return false
	}
	run := 0
	for _, r := range s.Text {
		if r == '[' {
			return false
		}
		if r >= '0' && r <= '9' {
			run++
			if run > 2 {
				return false
			}
			continue
		}
		run = 0
	}
	return true
}
