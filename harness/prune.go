package harness

import (
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/internal/selector"
)

// Pruning: a test group's assertions usually depend on a small part of the
// rules it loads. Rules whose results no assertion can see are dropped
// before the replay, provided dropping them cannot change a verdict.
//
// A rule's results are seen through the metric names it writes (its record
// name, or ALERTS and ALERTS_FOR_STATE for an alert), through the alert
// state an alert test or timeline reads, and through template queries. A
// rule also decides a verdict by failing: promtool stops a test group at the
// first rule error. So a rule is dropped only if nothing needed reads it and
// it provably cannot fail on this test group's data:
//
//   - every selector names its metric exactly (no {__name__=~...}, whose
//     results could collide once the name is dropped);
//   - no vector matching with on(), ignoring(), group_left or group_right
//     (many-to-many and duplicate-match errors), no label_replace or
//     label_join, no subqueries;
//   - its labels cannot collide with labels its results may carry;
//   - under a group limit, the series it can output are bounded below it;
//   - the samples it can load are bounded below the engine's limit.
//
// Anything not provably safe is kept, with everything it reads. The
// conformance and pruning tests check that verdicts are the same with
// pruning on and off.

// pruneInfo is the static knowledge about a replay's rules.
type pruneInfo struct {
	rp *replay
	// writers maps a metric name to the rules writing it.
	writers map[string][]rules.Rule
	alerts  []*rules.AlertingRule
	// fixtureKeys holds the label names of the input series, per metric.
	fixtureKeys map[string]map[string]bool
	// memo for bounds and keys; visiting marks recursion in progress.
	bounds   map[string]int
	keys     map[string]map[string]bool
	visiting map[string]bool
	stack    []string
	selfLoop map[string]bool
	// mightFail holds the rules cannotFail could not clear.
	mightFail map[rules.Rule]bool
}

// unbounded is a series bound that is too large to prove anything with.
const unbounded = 1 << 40

// prune drops the rules no assertion needs and sets, for each rule kept,
// the last time its evaluations can matter (rp.horizon). end is the
// replay's last step, relative to its start.
func (rp *replay) prune(end time.Duration) {
	pi := &pruneInfo{
		rp: rp, writers: map[string][]rules.Rule{},
		fixtureKeys: map[string]map[string]bool{},
		bounds:      map[string]int{}, keys: map[string]map[string]bool{}, visiting: map[string]bool{},
		selfLoop: map[string]bool{}, mightFail: map[rules.Rule]bool{},
	}
	for _, g := range rp.groups {
		for _, r := range g.Rules() {
			switch r := r.(type) {
			case *rules.RecordingRule:
				pi.writers[r.Name()] = append(pi.writers[r.Name()], r)
			case *rules.AlertingRule:
				pi.alerts = append(pi.alerts, r)
				pi.writers["ALERTS"] = append(pi.writers["ALERTS"], r)
				pi.writers["ALERTS_FOR_STATE"] = append(pi.writers["ALERTS_FOR_STATE"], r)
			}
		}
	}
	for _, s := range rp.series {
		name := s.Labels.Get(labels.MetricName)
		if pi.fixtureKeys[name] == nil {
			pi.fixtureKeys[name] = map[string]bool{}
		}
		s.Labels.Range(func(l labels.Label) { pi.fixtureKeys[name][l.Name] = true })
	}

	needed := map[rules.Rule]bool{}
	var queue []rules.Rule
	all := false
	need := func(r rules.Rule) {
		if !needed[r] {
			needed[r] = true
			queue = append(queue, r)
		}
	}
	needName := func(name string) {
		for _, w := range pi.writers[name] {
			need(w)
		}
	}
	needExpr := func(e parser.Expr) {
		names, ok := selectorNames(e)
		if !ok {
			all = true
			return
		}
		for _, n := range names {
			needName(n)
		}
	}

	// The assertions' direct needs.
	tg := rp.tg
	alertNames := map[string]bool{}
	for _, a := range tg.AlertTests {
		alertNames[a.Alertname] = true
	}
	if tg.HasTimeline {
		if tg.AllowUnlisted {
			for _, te := range tg.Timeline {
				alertNames[te.Alert] = true
			}
		} else {
			for _, a := range pi.alerts {
				alertNames[a.Name()] = true
			}
		}
	}
	for _, a := range pi.alerts {
		if alertNames[a.Name()] {
			need(a)
		}
	}
	for _, et := range tg.ExprTests {
		e, err := rp.r.parser().ParseExpr(et.Expr)
		if err != nil {
			return // reported when the test runs; keep everything
		}
		needExpr(e)
	}
	// Rules that might fail must run, and so must what they read.
	for _, g := range rp.groups {
		for _, r := range g.Rules() {
			if !pi.cannotFail(r, g) {
				pi.mightFail[r] = true
				need(r)
			}
		}
	}
	for len(queue) > 0 && !all {
		r := queue[0]
		queue = queue[1:]
		needExpr(r.Query())
		if ar, ok := r.(*rules.AlertingRule); ok && usesTemplateQuery(ar) {
			all = true
		}
	}
	if all {
		return
	}
	rp.horizon = pi.horizons(needed, end)
	rp.needed = needed
}

// instantiate replaces the prototype groups the analysis ran on with fresh
// groups holding fresh rules: every rule, or with pruning only the rules
// prune found needed. Rules are made as Prometheus's rule manager makes them
// when it loads a file (same expression, for, keep_firing_for, labels merged
// with the group's, annotations, external labels and URL), so rules nobody
// needs are never built.
func (rp *replay) instantiate() {
	fresh := map[rules.Rule]rules.Rule{}
	var groups []*rules.Group
	for _, g := range rp.groups {
		var rs []rules.Rule
		for _, r := range g.Rules() {
			if rp.needed != nil && !rp.needed[r] {
				continue
			}
			var n rules.Rule
			switch r := r.(type) {
			case *rules.AlertingRule:
				n = rules.NewAlertingRule(r.Name(), r.Query(), r.HoldDuration(), r.KeepFiringFor(),
					r.Labels(), r.Annotations(), rp.tg.ExternalLabels, rp.tg.ExternalURL, true, nopLogger)
			case *rules.RecordingRule:
				n = rules.NewRecordingRule(r.Name(), r.Query(), r.Labels())
			default:
				n = r
			}
			fresh[r] = n
			rs = append(rs, n)
		}
		if len(rs) == 0 {
			continue
		}
		off := g.QueryOffset()
		groups = append(groups, rules.NewGroup(rules.GroupOptions{
			Name: g.Name(), File: g.File(), Interval: g.Interval(), Limit: g.Limit(),
			Rules: rs, Opts: rp.mgrOpts, QueryOffset: &off,
		}))
	}
	if rp.horizon != nil {
		h := make(map[rules.Rule]time.Duration, len(rp.horizon))
		for r, d := range rp.horizon {
			h[fresh[r]] = d
		}
		rp.horizon = h
	}
	rp.pruned = rp.needed != nil && len(fresh) != countRules(rp.groups)
	rp.groups = groups
}

// horizons computes, for each needed rule, the last time its evaluation can
// matter: the latest eval_time of the assertions that read it, directly or
// through the rules that read it; the replay's end for rules kept because
// they might fail, for timelines, and for everything when an expression looks
// ahead (negative offset, @). Nothing reads a rule's results after its
// horizon, so it is not evaluated after it.
func (pi *pruneInfo) horizons(needed map[rules.Rule]bool, end time.Duration) map[rules.Rule]time.Duration {
	tg := pi.rp.tg
	h := map[rules.Rule]time.Duration{}
	raise := func(r rules.Rule, d time.Duration) bool {
		if cur, ok := h[r]; ok && cur >= d {
			return false
		}
		h[r] = d
		return true
	}
	lookahead := false
	for _, a := range tg.AlertTests {
		for _, ar := range pi.alerts {
			if ar.Name() == a.Alertname {
				raise(ar, a.EvalTime)
			}
		}
	}
	if tg.HasTimeline {
		for _, ar := range pi.alerts {
			if needed[ar] {
				raise(ar, end)
			}
		}
	}
	for _, et := range tg.ExprTests {
		e, err := pi.rp.r.parser().ParseExpr(et.Expr)
		if err != nil {
			lookahead = true
			continue
		}
		if looksAhead(e) {
			lookahead = true
		}
		names, _ := selectorNames(e)
		for _, n := range names {
			for _, w := range pi.writers[n] {
				raise(w, et.EvalTime)
			}
		}
	}
	for r := range needed {
		// A rule kept because it might fail runs to the end.
		if pi.mightFail[r] {
			raise(r, end)
		}
		if looksAhead(r.Query()) {
			lookahead = true
		}
	}
	for changed := true; changed; {
		changed = false
		for r := range needed {
			d, ok := h[r]
			if !ok {
				continue
			}
			names, _ := selectorNames(r.Query())
			for _, n := range names {
				for _, w := range pi.writers[n] {
					if raise(w, d) {
						changed = true
					}
				}
			}
		}
	}
	for r := range needed {
		if _, ok := h[r]; !ok || lookahead {
			h[r] = end
		}
	}
	return h
}

// looksAhead reports whether an expression can read samples after its
// evaluation time: a negative offset or an @ modifier.
func looksAhead(e parser.Expr) bool {
	ahead := false
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			if n.OriginalOffset < 0 || n.Timestamp != nil || n.StartOrEnd != 0 {
				ahead = true
			}
		case *parser.SubqueryExpr:
			if n.OriginalOffset < 0 || n.Timestamp != nil || n.StartOrEnd != 0 {
				ahead = true
			}
		}
		return nil
	})
	return ahead
}

// dropExpired removes, before the evaluation at ts, the rules whose horizon
// has passed. The groups are rebuilt with the remaining rules and take over
// their state, as Prometheus does when it reloads rules.
func (rp *replay) dropExpired(ts time.Time) {
	if rp.horizon == nil {
		return
	}
	var kept []*rules.Group
	changed := false
	for _, g := range rp.groups {
		var rs []rules.Rule
		for _, r := range g.Rules() {
			if d, ok := rp.horizon[rp.origin(r)]; !ok || !rp.start.Add(d).Before(ts) {
				rs = append(rs, r)
			}
		}
		switch {
		case len(rs) == len(g.Rules()):
			kept = append(kept, g)
		case len(rs) == 0:
			changed = true
		default:
			changed = true
			kept = append(kept, rp.rebuild(g, rs))
		}
	}
	if changed {
		rp.groups = kept
	}
}

func countRules(gs []*rules.Group) int {
	n := 0
	for _, g := range gs {
		n += len(g.Rules())
	}
	return n
}

// selectorNames returns the metric names an expression selects; ok is false
// if a selector does not name its metric exactly.
func selectorNames(e parser.Expr) (names []string, ok bool) {
	ok = true
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		vs, isVS := n.(*parser.VectorSelector)
		if !isVS {
			return nil
		}
		name := selector.MetricName(vs)
		if name == "" {
			ok = false
		}
		names = append(names, name)
		return nil
	})
	return names, ok
}

// usesTemplateQuery reports whether an alert's templates may run queries.
func usesTemplateQuery(ar *rules.AlertingRule) bool {
	found := false
	check := func(l labels.Label) {
		if strings.Contains(l.Value, "query") {
			found = true
		}
	}
	ar.Labels().Range(check)
	ar.Annotations().Range(check)
	return found
}

// cannotFail reports whether a rule's evaluation provably cannot fail on
// this test group's data (see the package comment above).
func (pi *pruneInfo) cannotFail(r rules.Rule, g *rules.Group) bool {
	e := r.Query()
	bound := pi.exprBound(e)
	if bound == 0 {
		// Nothing it selects can exist in this replay: it loads no samples
		// and outputs no series, so no error can arise (duplicates, limits
		// and sample counts all need series). This is the common case of a
		// rule of an unrelated part of the rule set, and the cheap one.
		return true
	}
	if !structurallySafe(e) {
		return false
	}
	// Rule labels must not collide with labels the results may carry.
	keys, ok := pi.exprKeys(e)
	if !ok {
		return false
	}
	collide := false
	r.Labels().Range(func(l labels.Label) {
		if keys[l.Name] {
			collide = true
		}
	})
	if _, isAlert := r.(*rules.AlertingRule); isAlert && keys[labels.AlertName] {
		collide = true
	}
	if collide {
		return false
	}
	if g.Limit() > 0 && bound > g.Limit() {
		return false
	}
	return pi.sampleBound(e, bound) < pi.rp.maxQuerySamples
}

// structurallySafe rejects the constructs that can fail on data.
func structurallySafe(e parser.Expr) bool {
	safe := true
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			if selector.MetricName(n) == "" {
				safe = false
			}
		case *parser.BinaryExpr:
			if vm := n.VectorMatching; vm != nil && (vm.On || len(vm.MatchingLabels) > 0 || vm.Card == parser.CardOneToMany || vm.Card == parser.CardManyToOne) {
				safe = false
			}
		case *parser.Call:
			switch n.Func.Name {
			case "label_replace", "label_join", "info":
				safe = false
			}
		case *parser.SubqueryExpr:
			safe = false
		}
		return nil
	})
	return safe
}

// selectorBound bounds how many distinct series a selector can select
// during the replay: the input series it matches, plus whatever the rules
// writing its metric can output, leaving out rules whose fixed labels (or
// alert name, for ALERTS) contradict the selector's equality matchers.
//
// A rule may read the name it writes (an alert over ALERTS). Its outputs are
// then images of its other inputs under a fixed relabelling (set the name,
// alertname, alertstate and rule labels), which is idempotent, so feeding
// them back adds no new label sets: the bound is at most twice the bound
// without the loop. Longer cycles are not bounded.
func (pi *pruneInfo) selectorBound(vs *parser.VectorSelector) int {
	name := selector.MetricName(vs)
	if name == "" {
		return unbounded
	}
	key := vs.String()
	if b, ok := pi.bounds[key]; ok {
		return b
	}
	if pi.visiting[name] {
		if len(pi.stack) > 0 && pi.stack[len(pi.stack)-1] == name {
			pi.selfLoop[name] = true
			return 0
		}
		return unbounded
	}
	pi.visiting[name] = true
	pi.stack = append(pi.stack, name)
	defer func() {
		delete(pi.visiting, name)
		pi.stack = pi.stack[:len(pi.stack)-1]
	}()
	b := 0
	for _, s := range pi.rp.series {
		if matches(s.Labels, vs.LabelMatchers) {
			b++
		}
	}
	for _, w := range pi.writers[name] {
		if contradicts(w, name, vs.LabelMatchers) {
			continue
		}
		b = satAdd(b, pi.ruleBound(w))
	}
	if pi.selfLoop[name] {
		b = min(2*b, unbounded)
	}
	pi.bounds[key] = b
	return b
}

// nameBound bounds all series of a metric name.
func (pi *pruneInfo) nameBound(name string) int {
	return pi.selectorBound(&parser.VectorSelector{Name: name, LabelMatchers: []*labels.Matcher{labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, name)}})
}

// ruleBound bounds the series a rule outputs; a scalar result is recorded
// as one series.
func (pi *pruneInfo) ruleBound(r rules.Rule) int {
	if r.Query().Type() == parser.ValueTypeScalar {
		return 1
	}
	return pi.exprBound(r.Query())
}

func matches(lset labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(lset.Get(m.Name)) {
			return false
		}
	}
	return true
}

// contradicts reports whether a rule's outputs under name can never match
// the equality matchers: the rule sets the label to another fixed value.
func contradicts(r rules.Rule, name string, ms []*labels.Matcher) bool {
	fixed := map[string]string{}
	r.Labels().Range(func(l labels.Label) {
		if !strings.Contains(l.Value, "{{") {
			fixed[l.Name] = l.Value
		}
	})
	if _, isAlert := r.(*rules.AlertingRule); isAlert && (name == "ALERTS" || name == "ALERTS_FOR_STATE") {
		fixed[labels.AlertName] = r.Name()
	}
	for _, m := range ms {
		if v, ok := fixed[m.Name]; ok && m.Type == labels.MatchEqual && m.Value != v {
			return true
		}
	}
	return false
}

// exprBound bounds the distinct output series of a structurally safe
// expression, from the bounds of the series it selects: aggregations and
// functions never output more series than they read (absent and vector
// output one), one-to-one matching outputs at most the smaller side, "or"
// at most both sides, "and" and "unless" at most the left side. Scalars
// count as one series (a rule records a scalar as one sample).
func (pi *pruneInfo) exprBound(e parser.Expr) int {
	switch e := e.(type) {
	case *parser.VectorSelector:
		return pi.selectorBound(e)
	case *parser.MatrixSelector:
		return pi.exprBound(e.VectorSelector)
	case *parser.NumberLiteral, *parser.StringLiteral:
		return 1
	case *parser.ParenExpr:
		return pi.exprBound(e.Expr)
	case *parser.UnaryExpr:
		return pi.exprBound(e.Expr)
	case *parser.StepInvariantExpr:
		return pi.exprBound(e.Expr)
	case *parser.AggregateExpr:
		return pi.exprBound(e.Expr)
	case *parser.Call:
		n := 0
		for _, a := range e.Args {
			if a.Type() == parser.ValueTypeVector || a.Type() == parser.ValueTypeMatrix {
				n = satAdd(n, pi.exprBound(a))
			}
		}
		switch e.Func.Name {
		case "absent", "absent_over_time", "vector":
			n = satAdd(n, 1)
		}
		if e.Type() == parser.ValueTypeScalar {
			return 1
		}
		return n
	case *parser.BinaryExpr:
		l, r := pi.exprBound(e.LHS), pi.exprBound(e.RHS)
		lv, rv := e.LHS.Type() == parser.ValueTypeVector, e.RHS.Type() == parser.ValueTypeVector
		switch {
		case !lv && !rv:
			return 1
		case !lv:
			return r
		case !rv:
			return l
		case e.Op == parser.LOR:
			return satAdd(l, r)
		case e.Op == parser.LAND || e.Op == parser.LUNLESS:
			return l
		default:
			return min(l, r)
		}
	}
	return unbounded
}

func satAdd(a, b int) int { return min(a+b, unbounded) }

// sampleBound bounds the samples one evaluation can hold: every selected
// series' samples in its window, plus the results along the way.
func (pi *pruneInfo) sampleBound(e parser.Expr, outBound int) int {
	step := min(pi.rp.tg.Interval, pi.rp.f.EvaluationInterval)
	for _, g := range pi.rp.groups {
		step = min(step, g.Interval())
	}
	if step <= 0 {
		return unbounded
	}
	total := 0
	nodes := 0
	parser.Inspect(e, func(n parser.Node, path []parser.Node) error {
		nodes++
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		window := 5 * time.Minute // the lookback delta
		if len(path) > 0 {
			if ms, ok := path[len(path)-1].(*parser.MatrixSelector); ok {
				window = ms.Range
			}
		}
		perSeries := int(window/step) + 2
		total = satAdd(total, min(pi.selectorBound(vs), unbounded/perSeries)*perSeries)
		return nil
	})
	if total >= unbounded {
		return unbounded
	}
	return total + nodes*outBound
}

// exprKeys returns the label names an expression's results may carry (a
// superset); ok is false when they cannot be bounded.
func (pi *pruneInfo) exprKeys(e parser.Expr) (map[string]bool, bool) {
	switch e := e.(type) {
	case *parser.AggregateExpr:
		if e.Without {
			return pi.exprKeys(e.Expr)
		}
		out := map[string]bool{}
		for _, l := range e.Grouping {
			out[l] = true
		}
		if e.Op == parser.COUNT_VALUES {
			s, ok := e.Param.(*parser.StringLiteral)
			if !ok {
				return nil, false
			}
			out[s.Val] = true
		}
		return out, true
	case *parser.NumberLiteral, *parser.StringLiteral:
		return map[string]bool{}, true
	case *parser.ParenExpr:
		return pi.exprKeys(e.Expr)
	case *parser.UnaryExpr:
		return pi.exprKeys(e.Expr)
	case *parser.StepInvariantExpr:
		return pi.exprKeys(e.Expr)
	case *parser.BinaryExpr:
		return pi.unionKeys(e.LHS, e.RHS)
	case *parser.Call:
		// Functions keep or drop their argument's labels; label_replace and
		// label_join, which add some, are not structurally safe.
		return pi.unionKeys(e.Args...)
	case *parser.MatrixSelector:
		return pi.exprKeys(e.VectorSelector)
	case *parser.VectorSelector:
		name := selector.MetricName(e)
		if name == "" {
			return nil, false
		}
		return pi.nameKeys(name)
	}
	return nil, false
}

func (pi *pruneInfo) unionKeys(es ...parser.Expr) (map[string]bool, bool) {
	out := map[string]bool{}
	for _, e := range es {
		ks, ok := pi.exprKeys(e)
		if !ok {
			return nil, false
		}
		for k := range ks {
			out[k] = true
		}
	}
	return out, true
}

func (pi *pruneInfo) nameKeys(name string) (map[string]bool, bool) {
	if ks, ok := pi.keys[name]; ok {
		return ks, ks != nil
	}
	if pi.visiting["keys:"+name] {
		return nil, false
	}
	pi.visiting["keys:"+name] = true
	defer delete(pi.visiting, "keys:"+name)
	out := map[string]bool{labels.MetricName: true}
	for k := range pi.fixtureKeys[name] {
		out[k] = true
	}
	for _, w := range pi.writers[name] {
		ks, ok := pi.exprKeys(w.Query())
		if !ok {
			pi.keys[name] = nil
			return nil, false
		}
		for k := range ks {
			out[k] = true
		}
		w.Labels().Range(func(l labels.Label) { out[l.Name] = true })
		if _, isAlert := w.(*rules.AlertingRule); isAlert {
			out[labels.AlertName] = true
			out["alertstate"] = true
		}
	}
	pi.keys[name] = out
	return out, true
}
