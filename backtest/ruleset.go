package backtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/rules"

	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/internal/tmplbound"
	"github.com/codevaldcortex/rulecheck/position"
)

// RuleFile is a rule file to load: Content, when set, is used instead of
// reading Path (a file read from a git revision, say); Path still names it
// in messages.
type RuleFile struct {
	Path    string
	Content []byte
}

// LoadOptions say how rule files are loaded, as a Prometheus server's
// configuration would.
type LoadOptions struct {
	// EvaluationInterval is the interval of groups that set none; zero
	// means Prometheus's default, 1m.
	EvaluationInterval time.Duration
	// IgnoreUnknownFields accepts fields Prometheus does not know.
	IgnoreUnknownFields bool
	// Parser parses expressions; nil means Prometheus's default parser.
	Parser parser.Parser
}

// RuleSet is a set of rule groups loaded by Prometheus's rule manager, in
// file order: files as given, groups as each file writes them.
type RuleSet struct {
	used   bool
	Files  []string
	groups []*group
}

// group is a loaded rule group with where its rules are written.
type group struct {
	g     *rules.Group
	rules []*rule
}

// rule is one rule of a group.
type rule struct {
	r     rules.Rule
	group *group
	pos   position.Range
	// expr is the expression as the rule prints it: the text its Eval
	// passes to the query function.
	expr string
	// reads are the selectors of the expression.
	reads [][]*labels.Matcher
	// stepwise rules are evaluated one instant query per evaluation: their
	// expression uses @ start() or @ end(), which a range query reads
	// differently.
	stepwise bool
	// prev holds, for a recording rule, the series of its last successful
	// evaluation (for stale markers).
	prev map[uint64]labels.Labels
	// written is set on a rule some rule reads the output of: a recording
	// rule, or an alerting rule whose ALERTS series are read.
	written bool
	// templates are an alerting rule's templates that are not plain,
	// checked against the budget before each expansion; nil when none.
	templates *tmplbound.Rule
}

// prepareTemplates finds the alerting rules whose templates need the
// budget check. The templates see what the rules were loaded with: no
// external labels and an empty $externalURL.
func (rs *RuleSet) prepareTemplates() {
	for _, g := range rs.groups {
		for _, r := range g.rules {
			if a, ok := r.alerting(); ok {
				r.templates = tmplbound.ForRule(a, nil, "")
			}
		}
	}
}

func (r *rule) alerting() (*rules.AlertingRule, bool) {
	a, ok := r.r.(*rules.AlertingRule)
	return a, ok
}

// Alerts returns the names of the alerting rules, in file order, each once.
func (rs *RuleSet) Alerts() []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range rs.groups {
		for _, r := range g.rules {
			if _, ok := r.alerting(); ok && !seen[r.r.Name()] {
				seen[r.r.Name()] = true
				out = append(out, r.r.Name())
			}
		}
	}
	return out
}

var nopLogger = slog.New(slog.DiscardHandler)

// LoadRules loads rule files (plain files and PrometheusRule resources, as
// `rulecheck test` loads them) into rule groups made by Prometheus's own
// rule manager. Errors are *Error of kind ErrRuleFile, naming the file and
// line.
func LoadRules(files []RuleFile, opts LoadOptions) (*RuleSet, error) {
	return loadRules(files, opts, &rules.ManagerOptions{
		QueryFunc: func(context.Context, string, time.Time) (promql.Vector, error) { return nil, nil },
	})
}

// loadRules loads the files with a rule manager made with mo (whose
// QueryFunc and storage the groups' own Eval uses; a run never calls it).
func loadRules(files []RuleFile, opts LoadOptions, mo *rules.ManagerOptions) (*RuleSet, error) {
	if opts.EvaluationInterval == 0 {
		opts.EvaluationInterval = time.Minute
	}
	loader := &rulefile.Loader{Opts: rulefile.Options{IgnoreUnknownFields: opts.IgnoreUnknownFields, Parser: opts.Parser}}
	paths := make([]string, len(files))
	parsed := make([]*rulefile.File, len(files))
	for i, f := range files {
		paths[i] = f.Path
		var err error
		if f.Content != nil {
			parsed[i], err = rulefile.Parse(f.Path, f.Content, loader.Opts)
			if err == nil {
				loader = loader.With(f.Path, parsed[i])
			}
		} else {
			parsed[i], err = loader.File(f.Path)
		}
		if err != nil {
			return nil, ruleFileError(f.Path, err)
		}
	}
	if opts.Parser == nil {
		opts.Parser = promqlparser.New(parser.Options{})
	}
	mo.Context, mo.Logger, mo.GroupLoader, mo.Parser = context.Background(), nopLogger, loader, opts.Parser
	mo.NotifyFunc = func(context.Context, string, ...*rules.Alert) {}
	m := rules.NewManager(mo)
	// Each PrometheusRule of a file that holds several is a rule file of
	// its own (rulefile.Unit), as the operator writes it: their groups may
	// share a name.
	var ids []string
	for _, p := range paths {
		units, err := loader.Units(p)
		if err != nil {
			return nil, ruleFileError(p, err)
		}
		for _, u := range units {
			ids = append(ids, u.ID)
		}
	}
	loaded, errs := m.LoadGroups(opts.EvaluationInterval, labels.EmptyLabels(), "", nil, opts.IgnoreUnknownFields, ids...)
	if len(errs) > 0 {
		return nil, ruleFileError(paths[0], errors.Join(errs...))
	}
	rs := &RuleSet{Files: paths}
	for i, f := range parsed {
		for _, fg := range f.Groups {
			key := rules.GroupKey(f.UnitOf(fg).ID, fg.Name)
			g, ok := loaded[key]
			if !ok {
				continue
			}
			delete(loaded, key)
			rs.groups = append(rs.groups, newGroup(g, paths[i], fg))
		}
	}
	return rs, nil
}

func newGroup(g *rules.Group, path string, fg rulefile.Group) *group {
	out := &group{g: g}
	for j, r := range g.Rules() {
		rl := &rule{r: r, group: out, expr: r.Query().String(), reads: parser.ExtractSelectors(r.Query()), stepwise: usesStartEnd(r.Query())}
		rl.pos = position.Range{File: path}
		if j < len(fg.RulePos) {
			rl.pos = position.At(path, fg.RulePos[j].Line, fg.RulePos[j].Column)
		}
		out.rules = append(out.rules, rl)
	}
	return out
}

// ruleFileError wraps a loading error as an *Error of kind ErrRuleFile,
// keeping the position of a rulefile.Error.
func ruleFileError(path string, err error) *Error {
	e := &Error{Kind: ErrRuleFile, Range: position.Range{File: path}, Msg: "cannot load rules", Err: err}
	var rfe *rulefile.Error
	if errors.As(err, &rfe) {
		e.Range, e.Msg, e.Err = rfe.Range, rfe.Msg, nil
	}
	var rfes rulefile.Errors
	if errors.As(err, &rfes) && len(rfes) > 0 && errors.As(rfes[0], &rfe) {
		e.Range, e.Msg, e.Err = rfe.Range, rfe.Msg, nil
		if len(rfes) > 1 {
			e.Msg += fmt.Sprintf(" (and %d more errors)", len(rfes)-1)
		}
	}
	return e
}

// recorded returns the metric names the run writes: those of the
// recording rules, and ALERTS and ALERTS_FOR_STATE when a rule reads them.
// Call after order.
func (rs *RuleSet) recorded() []string {
	var out []string
	alerts := false
	for _, g := range rs.groups {
		for _, r := range g.rules {
			if _, ok := r.alerting(); !ok {
				out = append(out, r.r.Name())
			} else if r.written {
				alerts = true
			}
		}
	}
	if alerts {
		out = append(out, "ALERTS", "ALERTS_FOR_STATE")
	}
	return out
}

// restored marks the alerting rules as a server marks them once it has
// restored their state at start-up: from then on their evaluations give
// the ALERTS and ALERTS_FOR_STATE series.
func (rs *RuleSet) restored() {
	for _, g := range rs.groups {
		for _, r := range g.rules {
			if a, ok := r.alerting(); ok {
				a.SetRestored(true)
			}
		}
	}
}
