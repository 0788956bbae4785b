// Package tmplbound bounds what an alert's label and annotation templates
// may produce when Prometheus expands them.
//
// Prometheus expands a template into a buffer of its own, with no limit on
// its size or on the time it takes: `{{ range 100000000 }}x{{ end }}`
// writes 100 MB, nested escaping functions grow exponentially, and a range
// over a number taken from the data may run for hours. Nothing in the
// expansion can be interrupted, so the bound is checked before it.
//
// A template is first read (Prepare): one whose output is at most a
// constant times its text plus the data it prints (no range, no defined
// templates, no function that multiplies its input, no variable holding a
// call's result) is plain and needs no check. Any other template is
// expanded once more beforehand, by Prometheus's own expander and with the
// same data (Check), from a copy that counts: every list it executes
// (a range iteration, an if branch, a defined template) is charged its
// text and a fixed cost, every action is charged what it prints, and the
// functions that can multiply their input are charged what they produce,
// refused when what they could produce is beyond what is left. The real
// expansion then runs only when the counted one stayed within the budget.
package tmplbound

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"text/template/parse"
)

// DefaultBytes is the default budget of one rule evaluation: the bytes all
// the checked templates of one alerting rule may produce for all its alerts.
const DefaultBytes = 16 << 20

// IterationCost is what each executed list (a range iteration, a branch, a
// defined template) costs besides its text, so that a loop that prints
// nothing is bounded too.
const IterationCost = 16

// QueryCost is what each query a checked template runs costs: a query
// takes far longer than printing a few bytes.
const QueryCost = 1 << 10

// plainTextLimit is the longest template text that can be plain: the
// output of a plain template is at most a small multiple of its text.
const plainTextLimit = 64 << 10

// Exceeded is the error of a template whose expansion would go beyond the
// budget.
type Exceeded struct {
	Limit int64
}

func (e *Exceeded) Error() string {
	return fmt.Sprintf("expands to more than %s", FormatBytes(e.Limit))
}

// FormatBytes writes a byte count as the flags take it (16MiB, 512KiB, 100).
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Budget is what is left to the templates of one rule evaluation. It is
// safe for concurrent use.
type Budget struct {
	limit int64
	left  atomic.Int64
	over  atomic.Bool
}

// NewBudget returns a budget of limit bytes (DefaultBytes when limit <= 0).
func NewBudget(limit int64) *Budget {
	if limit <= 0 {
		limit = DefaultBytes
	}
	b := &Budget{limit: limit}
	b.left.Store(limit)
	return b
}

// Limit is the budget's size.
func (b *Budget) Limit() int64 { return b.limit }

// Over reports whether a charge went beyond the budget.
func (b *Budget) Over() bool { return b.over.Load() }

var errOver = errors.New("template budget exceeded")

// fits reports, without charging, whether n bytes are left; it marks the
// budget as exceeded when they are not.
func (b *Budget) fits(n int64) error {
	if n < 0 || n > b.left.Load() {
		b.over.Store(true)
		return errOver
	}
	return nil
}

// charge takes n bytes from the budget.
func (b *Budget) charge(n int64) error {
	if b.left.Add(-n) < 0 {
		b.over.Store(true)
		return errOver
	}
	return nil
}

// Template is one template text (as Prometheus expands it, with the
// variable definitions in front) read for the check.
type Template struct {
	// Text is the template as given.
	Text string
	// counting is the copy of the template that counts; empty for a plain
	// template or one that does not parse (its expansion fails at once).
	counting string
}

// Prepare reads a template text. It never fails: a text that does not
// parse needs no check, since Prometheus's expansion of it fails before
// producing anything.
func Prepare(text string) *Template {
	t := &Template{Text: text}
	trees, main, err := parseTrees(text)
	if err != nil || (len(text) <= plainTextLimit && plain(trees)) {
		return t
	}
	t.counting = instrument(trees, main)
	return t
}

// NeedsCheck reports whether the template must be checked before it is
// expanded.
func (t *Template) NeedsCheck() bool { return t.counting != "" }

const mainName = "main"

// parseTrees parses a template as text/template does, without checking the
// names of functions.
func parseTrees(text string) (map[string]*parse.Tree, *parse.Tree, error) {
	trees := map[string]*parse.Tree{}
	tr := parse.New(mainName)
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(text, "", "", trees); err != nil {
		return nil, nil, err
	}
	return trees, tr, nil
}

// instrument returns the text of a copy of the template that charges the
// budget as it runs. The copy is made on the parse tree and printed back:
// the trees print as the text they were parsed from, less comments and
// with the trim markers already applied.
func instrument(trees map[string]*parse.Tree, main *parse.Tree) string {
	names := make([]string, 0, len(trees))
	for name, tr := range trees {
		instrumentList(tr.Root)
		if tr != main {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var sb strings.Builder
	if main.Root != nil {
		sb.WriteString(main.Root.String())
	}
	for _, name := range names {
		fmt.Fprintf(&sb, "{{define %s}}%s{{end}}", strconv.Quote(name), trees[name].Root.String())
	}
	return sb.String()
}

const (
	listFunc = "rulecheckTemplateList"
	outFunc  = "rulecheckTemplateOut"
	argFunc  = "rulecheckTemplateArg"
)

// instrumentList makes a list charge its text and IterationCost each time
// it runs, and each action in it charge what it prints.
func instrumentList(l *parse.ListNode) {
	if l == nil {
		return
	}
	text := 0
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			text += len(n.Text)
			// A brace at the edge of a text could join the delimiter
			// of a neighbouring action once printed back (a text "{"
			// before "{{" when a trim marker separated them): such a
			// text is printed by an action instead, as a string.
			if strings.ContainsAny(string(n.Text), "{}") {
				l.Nodes[i] = snippetAction("{{" + strconv.Quote(string(n.Text)) + "}}")
			}
		case *parse.ActionNode:
			instrumentPipe(n.Pipe)
			if len(n.Pipe.Decl) == 0 {
				n.Pipe.Cmds = append(n.Pipe.Cmds, snippetCmd(outFunc))
			}
		case *parse.IfNode:
			instrumentBranch(&n.BranchNode)
		case *parse.RangeNode:
			instrumentBranch(&n.BranchNode)
		case *parse.WithNode:
			instrumentBranch(&n.BranchNode)
		case *parse.TemplateNode:
			instrumentPipe(n.Pipe)
		}
	}
	tick := snippetAction(fmt.Sprintf("{{%s %d}}", listFunc, text+IterationCost))
	l.Nodes = append([]parse.Node{tick}, l.Nodes...)
}

func instrumentBranch(n *parse.BranchNode) {
	instrumentPipe(n.Pipe)
	instrumentList(n.List)
	instrumentList(n.ElseList)
}

// instrumentPipe makes every function a pipeline calls charge the size of
// what it is given: the work of a call is at most about its arguments and
// its result, so a loop calling a function on a large value is bounded
// even when it prints nothing. A value piped into a call passes through
// argFunc first; an argument that is not a literal is wrapped in it.
func instrumentPipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	cmds := make([]*parse.CommandNode, 0, len(p.Cmds))
	for i, c := range p.Cmds {
		fn, isCall := calledFunc(c)
		charged := isCall && chargesArgs(fn)
		if charged && i > 0 {
			cmds = append(cmds, snippetCmd(argFunc))
		}
		for j, a := range c.Args {
			instrumentArg(a)
			if charged && j > 0 && !literal(a) {
				c.Args[j] = wrapArg(a)
			}
		}
		cmds = append(cmds, c)
	}
	p.Cmds = cmds
}

// instrumentArg instruments the pipelines nested in an argument.
func instrumentArg(a parse.Node) {
	switch a := a.(type) {
	case *parse.PipeNode:
		instrumentPipe(a)
	case *parse.ChainNode:
		if p, ok := a.Node.(*parse.PipeNode); ok {
			instrumentPipe(p)
		}
	}
}

// chargesArgs reports whether a call to fn is charged its arguments: not
// the counting functions (charged what they produce, which bounds their
// work) and not the builtins whose work does not grow with their
// arguments.
func chargesArgs(fn string) bool {
	switch fn {
	case listFunc, outFunc, argFunc, "and", "or", "not", "len", "index", "slice", "call":
		return false
	}
	return !chargedByOutput[fn]
}

// chargedByOutput are the counting functions whose work is bounded by
// what they produce, which they are charged.
var chargedByOutput = map[string]bool{
	"printf": true, "print": true, "println": true, "html": true, "js": true,
	"urlquery": true, "urlQueryEscape": true, "graphLink": true, "tableLink": true,
}

func literal(a parse.Node) bool {
	switch a.(type) {
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
		return true
	}
	return false
}

// wrapArg returns the argument as (argFunc a).
func wrapArg(a parse.Node) parse.Node {
	p := snippetAction("{{(" + argFunc + ")}}").(*parse.ActionNode).Pipe.Cmds[0].Args[0].(*parse.PipeNode)
	p.Cmds[0].Args = append(p.Cmds[0].Args, a)
	return p
}

// snippetAction parses one action.
func snippetAction(text string) parse.Node {
	trees, _, err := parseTrees(text)
	if err != nil {
		panic(err) // the snippets are constants of this package
	}
	return trees[mainName].Root.Nodes[0]
}

// snippetCmd is a command calling fn with the pipeline's value.
func snippetCmd(fn string) *parse.CommandNode {
	return snippetAction("{{" + fn + "}}").(*parse.ActionNode).Pipe.Cmds[0]
}
