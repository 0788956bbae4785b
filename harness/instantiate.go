package harness

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/harness/prune"
	"github.com/codevaldcortex/rulecheck/internal/memstore"
)

// plan decides, with package prune, which rules the replay evaluates and
// until when. end is the replay's last step, relative to its start.
func (rp *replay) plan(end time.Duration) prune.Plan {
	step := min(rp.tg.Interval, rp.f.EvaluationInterval)
	for _, g := range rp.groups {
		step = min(step, g.Interval())
	}
	in := prune.Input{
		Groups: rp.groups, Reads: rp.tg.Reads(), End: end, Step: step,
		MaxQuerySamples: rp.maxQuerySamples, Parser: rp.r.parser(),
		DelayedNameRemoval: rp.r.opts.EnableDelayedNameRemoval,
		FailsOnNoData:      rp.failsOnNoData,
		Memo:               rp.r.memo,
	}
	for _, s := range rp.series {
		in.Series = append(in.Series, s.Labels)
		for _, smp := range s.Samples {
			if smp.FHist != nil || smp.Hist != nil {
				in.Histograms = true
				break
			}
		}
	}
	return prune.Decide(in)
}

// failsOnNoData evaluates a loaded rule's expression once, with the
// replay's engine, over an empty store, and reports whether that fails.
// The answer depends only on the expression and the engine's options, so
// it is kept per Runner (and shared with the Runners WithRule makes) for
// each parsed expression: the rule loader parses each expression text
// once, so every rule with that text has the same one.
func (rp *replay) failsOnNoData(r rules.Rule) bool {
	key := probeKey{expr: r.Query(), maxSamples: rp.maxQuerySamples, step: rp.f.EvaluationInterval}
	if fails, ok := rp.r.probes.get(key); ok {
		return fails
	}
	_, err := rules.EngineQueryFunc(rp.engineNow(), memstore.New())(context.Background(), r.Query().String(), rp.start)
	rp.r.probes.put(key, err != nil)
	return err != nil
}

// probeKey identifies an evaluation over no data: the expression, and the
// engine options that vary between replays.
type probeKey struct {
	expr       parser.Expr
	maxSamples int
	step       time.Duration
}

// probeCache holds the outcomes of evaluations over no data.
type probeCache struct {
	mtx sync.Mutex
	m   map[probeKey]bool
}

func (c *probeCache) get(k probeKey) (fails, ok bool) {
	c.mtx.Lock()
	defer c.mtx.Unlock()
	fails, ok = c.m[k]
	return fails, ok
}

func (c *probeCache) put(k probeKey, fails bool) {
	c.mtx.Lock()
	defer c.mtx.Unlock()
	if c.m == nil {
		c.m = map[probeKey]bool{}
	}
	c.m[k] = fails
}

// instantiate replaces the prototype groups the analysis ran on with fresh
// groups holding fresh rules: the rules the plan keeps (every rule without
// pruning). Rules are made as Prometheus's rule manager makes them when it
// loads a file (same expression, for, keep_firing_for, labels merged with
// the group's, annotations, external labels and URL), so rules nobody
// needs are never built.
func (rp *replay) instantiate(p prune.Plan) {
	fresh := map[rules.Rule]rules.Rule{}
	var groups []*rules.Group
	for _, g := range rp.groups {
		var rs []rules.Rule
		for i, r := range g.Rules() {
			if !p.Keeps(r) {
				continue
			}
			n := rp.newRule(r, true)
			fresh[r] = n
			rp.record.index[n] = i
			rs = append(rs, n)
		}
		if len(rs) > 0 {
			groups = append(groups, rp.rebuild(g, rs, false))
		}
	}
	if p.Horizon != nil {
		rp.horizon = make(map[rules.Rule]time.Duration, len(p.Horizon))
		for r, d := range p.Horizon {
			rp.horizon[fresh[r]] = d
		}
	}
	rp.groups = groups
}

// newRule makes a fresh rule like r; an alerting rule without its
// annotations unless withAnnotations.
func (rp *replay) newRule(r rules.Rule, withAnnotations bool) rules.Rule {
	switch r := r.(type) {
	case *rules.AlertingRule:
		ann := labels.EmptyLabels()
		if withAnnotations {
			ann = r.Annotations()
		}
		return rules.NewAlertingRule(r.Name(), r.Query(), r.HoldDuration(), r.KeepFiringFor(),
			r.Labels(), ann, rp.tg.ExternalLabels, rp.tg.ExternalURL, true, nopLogger)
	case *rules.RecordingRule:
		return rules.NewRecordingRule(r.Name(), r.Query(), r.Labels())
	}
	return r
}

// rebuild returns a group like g with the given rules; with keepState it
// takes over g's state, as Prometheus does when it reloads rules.
func (rp *replay) rebuild(g *rules.Group, rs []rules.Rule, keepState bool) *rules.Group {
	off := g.QueryOffset()
	ng := rules.NewGroup(rules.GroupOptions{
		Name: g.Name(), File: g.File(), Interval: g.Interval(), Limit: g.Limit(),
		Rules: rs, Opts: rp.mgrOpts, QueryOffset: &off,
	})
	if keepState {
		ng.CopyState(g)
	}
	return ng
}

// dropExpired removes, before the evaluation at ts, the rules whose horizon
// has passed. The groups are rebuilt with the remaining rules and take over
// their state.
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
			kept = append(kept, rp.rebuild(g, rs, true))
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
