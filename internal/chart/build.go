package chart

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

// Builder makes charts from test results. It loads each rule file once. A
// Builder is safe for concurrent use.
type Builder struct {
	// Parser parses the alert expressions; nil means Prometheus's default.
	Parser parser.Parser

	mu    sync.Mutex
	files map[string]*rulefile.File
}

// Build returns the chart of one test group of the fixture at path, or nil
// when the group did not run to the end (skipped, bad input).
func (b *Builder) Build(path string, tr *harness.TestResult) *Chart {
	if tr.Skipped || tr.History == nil {
		return nil
	}
	c := &Chart{Title: tr.Name, Pos: path + ":" + strconv.Itoa(tr.Line), Failed: tr.Failed(), Marks: evalMarks(tr)}
	expected := expectations(tr)
	var readers []parser.Expr
	for _, rh := range tr.History.Rules {
		if !rh.Alerting || !expected.about(rh.Name) && len(rh.Episodes) == 0 {
			continue
		}
		a := Alert{Name: rh.Name, Expr: b.expr(rh)}
		expr, err := b.parser().ParseExpr(a.Expr)
		if err == nil {
			readers = append(readers, expr)
			a.Threshold, a.Values = b.values(expr, tr, evalInstants(rh))
		}
		a.Bands = bands(rh, expected)
		c.Alerts = append(c.Alerts, a)
	}
	c.Inputs = readInputs(tr.Inputs, readers)
	c.End = end(c)
	return c
}

func (b *Builder) parser() parser.Parser {
	if b.Parser == nil {
		return promqlparser.New(parser.Options{})
	}
	return b.Parser
}

// expr returns the expression of a rule, read from its rule file.
func (b *Builder) expr(rh *harness.RuleHistory) string {
	f := b.file(rh.File)
	if f == nil {
		return ""
	}
	for _, g := range f.Groups {
		if g.Resource == rh.Resource && g.Name == rh.Group && rh.Index < len(g.Rules) {
			return g.Rules[rh.Index].Expr
		}
	}
	return ""
}

func (b *Builder) file(path string) *rulefile.File {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f, ok := b.files[path]; ok {
		return f
	}
	if b.files == nil {
		b.files = map[string]*rulefile.File{}
	}
	f, err := rulefile.Load(path, rulefile.Options{IgnoreUnknownFields: true, Parser: b.Parser})
	if err != nil {
		f = nil
	}
	b.files[path] = f
	return f
}

// evalMarks are the eval_time of each checked promtool assertion.
func evalMarks(tr *harness.TestResult) []time.Duration {
	var marks []time.Duration
	for _, ch := range tr.Checked {
		switch a := ch.Assertion.(type) {
		case fixture.AlertTest:
			marks = append(marks, a.EvalTime)
		case fixture.ExprTest:
			marks = append(marks, a.EvalTime)
		}
	}
	slices.Sort(marks)
	return slices.Compact(marks)
}

// evalInstants lists the instants a rule was evaluated at.
func evalInstants(rh *harness.RuleHistory) []time.Duration {
	var at []time.Duration
	for _, r := range rh.Evaluations {
		for i := range r.N {
			at = append(at, r.From+time.Duration(i)*r.Every)
		}
	}
	return at
}

// end is the end of the axis: the last evaluation or sample.
func end(c *Chart) time.Duration {
	var e time.Duration
	last := func(at []time.Duration) {
		if len(at) > 0 {
			e = max(e, at[len(at)-1])
		}
	}
	for _, s := range c.Inputs {
		last(s.At)
	}
	for _, a := range c.Alerts {
		for _, bd := range a.Bands {
			last(bd.At)
		}
	}
	for _, m := range c.Marks {
		e = max(e, m)
	}
	return e
}

// readInputs keeps the input series some expression selects.
func readInputs(inputs []harness.SeriesOutput, exprs []parser.Expr) []Series {
	var sels [][]*labels.Matcher
	for _, e := range exprs {
		sels = append(sels, parser.ExtractSelectors(e)...)
	}
	var out []Series
	var lsets []labels.Labels
	for _, in := range inputs {
		if selected(in.Labels, sels) {
			out = append(out, Series{At: in.At, Values: in.Values})
			lsets = append(lsets, in.Labels)
		}
	}
	names := shortNames(lsets)
	for i := range out {
		out[i].Name = names[i]
	}
	return out
}

func selected(lset labels.Labels, sels [][]*labels.Matcher) bool {
	for _, ms := range sels {
		ok := true
		for _, m := range ms {
			if !m.Matches(lset.Get(m.Name)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// shortNames names each series by its metric name and the labels that
// tell it apart from the others.
func shortNames(lsets []labels.Labels) []string {
	varying := map[string]bool{}
	for _, ls := range lsets {
		ls.Range(func(l labels.Label) {
			for _, o := range lsets {
				if o.Get(l.Name) != l.Value {
					varying[l.Name] = true
				}
			}
		})
	}
	names := make([]string, len(lsets))
	for i, ls := range lsets {
		b := labels.NewBuilder(labels.EmptyLabels())
		ls.Range(func(l labels.Label) {
			if varying[l.Name] && l.Name != labels.MetricName {
				b.Set(l.Name, l.Value)
			}
		})
		name := ls.Get(labels.MetricName)
		if kept := b.Labels(); kept.Len() > 0 || name == "" {
			name += kept.String()
		}
		names[i] = name
	}
	return names
}

// SeriesNames names each label set by its metric name and the labels that
// tell it apart from the others, as the chart names its series.
func SeriesNames(lsets []labels.Labels) []string { return shortNames(lsets) }
