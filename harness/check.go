package harness

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/selector"
	"github.com/codevaldcortex/rulecheck/internal/suggest"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// checkStrict reports what promtool accepts silently; under Options.Strict
// each is a failure, otherwise a warning.
func (rp *replay) checkStrict(res *TestResult) {
	var issues []Failure
	hold := rp.minHoldDurations()
	for _, a := range rp.tg.AlertTests {
		minFor, defined := hold[a.Alertname]
		switch {
		case !defined:
			msg := fmt.Sprintf("alertname %q: no alerting rule in the rule files defines it, so this test passes whatever the rules do", a.Alertname)
			if near, ok := suggest.Nearest(a.Alertname, slices.Sorted(maps.Keys(hold))); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			issues = append(issues, FailureAt(rp.f.Path, a.Line, msg))
		case len(a.ExpAlerts) == 0 && a.EvalTime < minFor:
			issues = append(issues, FailureAt(rp.f.Path, a.Line, fmt.Sprintf("alert test %s at eval_time %s expects no alerts, but the alert cannot fire before its 'for' of %s has passed, so this test cannot fail", textsafe.Escape(a.Alertname), fixture.FormatDuration(a.EvalTime), fixture.FormatDuration(minFor))))
		}
	}
	dups := fixture.DuplicateSeries(rp.f, rp.tg)
	for _, d := range dups {
		issues = append(issues, FailureAt(rp.f.Path, d.Line, d.Value))
	}
	if len(rp.f.GroupEvalOrder) == 0 && rp.hasCrossGroupDependency() {
		issues = append(issues, FailureAt(rp.f.Path, rp.tg.Line, "rule groups read each other's results but group_eval_order is not set; promtool evaluates groups in random order, so the verdict may change from run to run (rulecheck uses file order)"))
	}
	if rp.r.opts.Strict && len(dups) > 0 {
		// A series defined twice is bad input, not a failed assertion.
		res.BadInput = true
	}
	for _, is := range issues {
		if rp.r.opts.Strict {
			res.fail(is.Line, "strict: "+is.Message)
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s:%d: %s", rp.f.Path, is.Line, is.Message))
		}
	}
}

// minHoldDurations maps each alert name to the shortest 'for' among the
// rules that define it.
func (rp *replay) minHoldDurations() map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, g := range rp.groups {
		for _, rule := range g.Rules() {
			if ar, ok := rule.(*rules.AlertingRule); ok {
				if d, seen := out[ar.Name()]; !seen || ar.HoldDuration() < d {
					out[ar.Name()] = ar.HoldDuration()
				}
			}
		}
	}
	return out
}

// hasCrossGroupDependency reports whether a rule reads a metric that a rule
// of another group writes (a recording rule, or ALERTS of an alert).
func (rp *replay) hasCrossGroupDependency() bool {
	if len(rp.groups) < 2 {
		return false
	}
	writer := map[string]*rules.Group{}
	for _, g := range rp.groups {
		for _, r := range g.Rules() {
			switch r := r.(type) {
			case *rules.RecordingRule:
				writer[r.Name()] = g
			case *rules.AlertingRule:
				writer["ALERTS"] = g
				writer["ALERTS_FOR_STATE"] = g
			}
		}
	}
	for _, g := range rp.groups {
		for _, r := range g.Rules() {
			names, _ := selector.Names(r.Query())
			for _, name := range names {
				if w, ok := writer[name]; ok && w != g {
					return true
				}
			}
		}
	}
	return false
}

// checkAlerts compares the firing alerts with the expected ones, as promtool
// compares them: firing alerts only, labels and annotations exactly.
func (rp *replay) checkAlerts(res *TestResult, tests []AlertTest) {
	names := map[string]struct{}{}
	for _, t := range tests {
		names[t.Alertname] = struct{}{}
	}
	got := rp.firingAlerts(names)
	for _, tc := range tests {
		gotAlerts := got[tc.Alertname]
		var expAlerts labelsAndAnnotations
		for _, a := range tc.ExpAlerts {
			lm := map[string]string{}
			for k, v := range a.Labels {
				lm[k] = v
			}
			lm[labels.AlertName] = tc.Alertname
			expAlerts = append(expAlerts, labelAndAnnotation{Labels: labels.FromMap(lm), Annotations: labels.FromMap(a.Annotations)})
		}
		sort.Sort(gotAlerts)
		sort.Sort(expAlerts)
		passed := cmp.Equal(expAlerts, gotAlerts, cmp.Comparer(labels.Equal), rp.floatCompare())
		res.Checked = append(res.Checked, Checked{Assertion: tc, Passed: passed})
		if !passed {
			var b strings.Builder
			if !strings.HasPrefix(rp.tg.Name, "unnamed#") {
				fmt.Fprintf(&b, "    name: %s,\n", textsafe.Escape(rp.tg.Name))
			}
			if rp.r.opts.Diff {
				fmt.Fprintf(&b, "    alertname: %s, time: %s, \n        diff (- expected, + got):\n%s",
					textsafe.Escape(tc.Alertname), fixture.FormatDuration(tc.EvalTime), indentAll(lineDiff(expAlerts.lines(), gotAlerts.lines()), "            "))
				if d := alertDifferences(expAlerts, gotAlerts); len(d) > 0 {
					b.WriteString("\n        differs:\n" + indentAll(strings.Join(d, "\n"), "            "))
				}
			} else {
				fmt.Fprintf(&b, "    alertname: %s, time: %s, \n        exp:%v, \n        got:%v",
					textsafe.Escape(tc.Alertname), fixture.FormatDuration(tc.EvalTime), indentLines(expAlerts.String(), "            "), indentLines(gotAlerts.String(), "            "))
			}
			if hist := rp.record.history(tc.Alertname, rp.start.Add(tc.EvalTime)); hist != "" {
				b.WriteString("\n        alert state up to eval_time:\n" + indentAll(hist, "            "))
			}
			res.fail(tc.Line, b.String())
		}
	}
}

func (rp *replay) floatCompare() cmp.Option {
	if !rp.f.FuzzyCompare {
		return cmp.Options{}
	}
	return cmp.Comparer(func(x, y float64) bool {
		return x == y || math.Nextafter(x, math.Inf(-1)) == y || math.Nextafter(x, math.Inf(1)) == y
	})
}

// checkExprs runs the promql_expr_test cases after the replay, as promtool
// does: they see the input samples and rule results up to the last step.
func (rp *replay) checkExprs(ctx context.Context, res *TestResult) {
	for _, tc := range rp.tg.ExprTests {
		failed := len(res.Failures)
		rp.checkExpr(ctx, res, tc)
		res.Checked = append(res.Checked, Checked{Assertion: tc, Passed: len(res.Failures) == failed})
	}
}

// checkExpr runs one promql_expr_test case.
func (rp *replay) checkExpr(ctx context.Context, res *TestResult, tc ExprTest) {
	got, err := rp.query(ctx, tc.Expr, rp.start.Add(tc.EvalTime))
	if err != nil {
		res.fail(tc.Line, fmt.Sprintf("    expr: %q, time: %s, err: %s", tc.Expr, fixture.FormatDuration(tc.EvalTime), err))
		return
	}
	var gotSamples []parsedSample
	for _, s := range got {
		gotSamples = append(gotSamples, parsedSample{Labels: s.Metric.Copy(), Value: s.F, Histogram: histogramExpr(s.H)})
	}
	var expSamples []parsedSample
	for _, s := range tc.ExpSamples {
		lb, err := rp.r.parser().ParseMetric(s.Labels)
		var hist *histogram.FloatHistogram
		if err == nil && s.Histogram != "" {
			_, values, perr := rp.r.parser().ParseSeriesDesc("{} " + s.Histogram)
			switch {
			case perr != nil:
				err = perr
			case len(values) != 1:
				err = fmt.Errorf("expected 1 value, got %d", len(values))
			case values[0].Histogram == nil:
				err = fmt.Errorf("expected histogram, got %v", values[0])
			default:
				hist = values[0].Histogram
			}
		}
		if err != nil {
			res.fail(tc.Line, fmt.Sprintf("    expr: %q, time: %s, err: labels %q: %s", tc.Expr, fixture.FormatDuration(tc.EvalTime), s.Labels, err))
			return
		}
		expSamples = append(expSamples, parsedSample{Labels: lb, Value: s.Value, Histogram: histogramExpr(hist)})
	}
	sort.Slice(expSamples, func(i, j int) bool { return labels.Compare(expSamples[i].Labels, expSamples[j].Labels) <= 0 })
	sort.Slice(gotSamples, func(i, j int) bool { return labels.Compare(gotSamples[i].Labels, gotSamples[j].Labels) <= 0 })
	if !cmp.Equal(expSamples, gotSamples, cmp.Comparer(labels.Equal), rp.floatCompare()) {
		msg := fmt.Sprintf("    expr: %q, time: %s,\n        exp: %v\n        got: %v", tc.Expr, fixture.FormatDuration(tc.EvalTime), parsedSamplesString(expSamples), parsedSamplesString(gotSamples))
		if rp.r.opts.Diff {
			msg = fmt.Sprintf("    expr: %q, time: %s,\n        diff (- expected, + got):\n%s", tc.Expr, fixture.FormatDuration(tc.EvalTime), indentAll(lineDiff(samplesLines(expSamples), samplesLines(gotSamples)), "            "))
		}
		if slices.ContainsFunc(expSamples, func(s parsedSample) bool { return s.Histogram == "" && math.IsNaN(s.Value) }) {
			msg += "\n        note: an expected NaN never matches, as in promtool (NaN is not equal to itself); test for NaN with (EXPR) != bool (EXPR), which is 1 for NaN"
		}
		res.fail(tc.Line, msg)
	}
}

type labelsAndAnnotations []labelAndAnnotation

func (la labelsAndAnnotations) Len() int      { return len(la) }
func (la labelsAndAnnotations) Swap(i, j int) { la[i], la[j] = la[j], la[i] }
func (la labelsAndAnnotations) Less(i, j int) bool {
	if d := labels.Compare(la[i].Labels, la[j].Labels); d != 0 {
		return d < 0
	}
	return labels.Compare(la[i].Annotations, la[j].Annotations) < 0
}

func (la labelsAndAnnotations) String() string {
	if len(la) == 0 {
		return "[]"
	}
	var s strings.Builder
	s.WriteString("[\n0:" + indentLines("\n"+la[0].String(), "  "))
	for i, l := range la[1:] {
		s.WriteString(",\n" + strconv.Itoa(i+1) + ":" + indentLines("\n"+l.String(), "  "))
	}
	s.WriteString("\n]")
	return s.String()
}

type labelAndAnnotation struct {
	Labels      labels.Labels
	Annotations labels.Labels
}

func (la *labelAndAnnotation) String() string {
	return "Labels:" + la.Labels.String() + "\nAnnotations:" + la.Annotations.String()
}

type parsedSample struct {
	Labels    labels.Labels
	Value     float64
	Histogram string
}

func (ps *parsedSample) String() string {
	if ps.Histogram != "" {
		return ps.Labels.String() + " " + ps.Histogram
	}
	return ps.Labels.String() + " " + strconv.FormatFloat(ps.Value, 'E', -1, 64)
}

func parsedSamplesString(pss []parsedSample) string {
	if len(pss) == 0 {
		return "nil"
	}
	parts := make([]string, len(pss))
	for i := range pss {
		parts[i] = pss[i].String()
	}
	return strings.Join(parts, ", ")
}

// indentLines prefixes every line but the first with indent.
func indentLines(lines, indent string) string {
	n := strings.Split(lines, "\n")
	return strings.Join(n, "\n"+indent)
}

// indentAll prefixes every line with indent.
func indentAll(lines, indent string) string {
	return indent + indentLines(strings.TrimRight(lines, "\n"), indent)
}

// histogramExpr prints a histogram in the PromQL test language's notation,
// as promtool prints expected and actual histograms.
func histogramExpr(h *histogram.FloatHistogram) string {
	if h == nil {
		return ""
	}
	return h.TestExpression()
}
