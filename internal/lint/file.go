package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
	"github.com/codevaldcortex/rulecheck/position"
)

// FileKind tells what a linted file holds.
type FileKind int

// File kinds.
const (
	// RuleFile is a plain Prometheus rule file.
	RuleFile FileKind = iota
	// PrometheusRuleFile holds PrometheusRule resources.
	PrometheusRuleFile
	// DashboardFile is a Grafana dashboard (JSON).
	DashboardFile
	// PrometheusFile holds Prometheus resources of the operator.
	PrometheusFile
	// OtherFile is none of the above: skipped when found in a directory.
	OtherFile
)

func (k FileKind) String() string {
	return [...]string{"rule file", "PrometheusRule", "dashboard", "Prometheus resource", "other"}[k]
}

// Load error categories, one per syntax check: the rule file loader's
// error kinds, and JSON for dashboards.
const (
	CatYAML           = "yaml"
	CatJSON           = "json"
	CatCRD            = "crd"
	CatRulefmt        = "rulefmt"
	CatPromQL         = "promql"
	CatTemplate       = "template"
	CatDuplicateGroup = "duplicate-group"
)

// categoryOf is the load error category of a rule file error kind.
var categoryOf = map[rulefile.ErrorKind]string{
	rulefile.ErrRulefmt:        CatRulefmt,
	rulefile.ErrRead:           CatRulefmt,
	rulefile.ErrYAML:           CatYAML,
	rulefile.ErrCRD:            CatCRD,
	rulefile.ErrPromQL:         CatPromQL,
	rulefile.ErrTemplate:       CatTemplate,
	rulefile.ErrDuplicateGroup: CatDuplicateGroup,
}

// LoadError is a problem found while reading a file: the file, or the
// group it is in, is not checked further.
type LoadError struct {
	position.Range
	Category string
	Msg      string
}

// Pos is the line and column of the error.
func (e *LoadError) Pos() Pos { return Pos{Line: e.Line, Column: e.Column} }

// newLoadError makes a LoadError of the file at a position.
func (f *File) newLoadError(category string, p Pos, msg string) *LoadError {
	return &LoadError{Range: position.At(f.Path, p.Line, p.Column), Category: category, Msg: msg}
}

// File is one linted file.
type File struct {
	Path string
	Kind FileKind
	Src  *Source

	LoadErrors []*LoadError
	// Groups are the rule groups of a rule file, in file order.
	Groups []*Group
	// Exprs are every PromQL expression of the file: the rules' and the
	// dashboard panels'.
	Exprs []*Expr
	// Resources are the PrometheusRule objects of the file.
	Resources []*Resource
	// Prometheuses are the Prometheus objects of the file.
	Prometheuses []*Prometheus

	nodesAt map[Pos]*yaml.Node
	ignores []*ignore
}

// Resource is a PrometheusRule object.
type Resource struct {
	Name, Namespace string
	Labels          map[string]string
	// Pos is the position of the object; MetaPos of its metadata.
	Pos, MetaPos Pos

	noGroups Pos // the spec key, when spec.groups is missing or empty
}

// Key is namespace/name, or the name without a namespace.
func (r *Resource) Key() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// Prometheus is a Prometheus object of the operator.
type Prometheus struct {
	*monitoringv1.Prometheus
	File string
	Pos  Pos
}

// Key is namespace/name.
func (p *Prometheus) Key() string {
	if p.Namespace == "" {
		return p.Name
	}
	return p.Namespace + "/" + p.Name
}

// EvaluationInterval is the default rule evaluation interval the operator
// gives this Prometheus: its evaluationInterval, 30s when unset.
func (p *Prometheus) EvaluationInterval() time.Duration {
	if d, err := parseDuration(string(p.Spec.EvaluationInterval)); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}

// Group is a rule group.
type Group struct {
	Name string
	Pos  Pos
	// Interval is the group's own interval, 0 when unset.
	Interval time.Duration
	Rules    []*Rule
	// Resource is the PrometheusRule the group belongs to, nil in plain
	// files.
	Resource *Resource
	File     *File
	Raw      rulefmt.RuleGroup
}

// Rule is an alerting or recording rule.
type Rule struct {
	Group *Group
	// Index is the rule's index in its group.
	Index int
	Raw   rulefmt.Rule
	// Name is the alert or record name.
	Name    string
	IsAlert bool
	// Pos is the position of the rule; NamePos of its alert or record key;
	// ForPos of its for value (zero without one).
	Pos, NamePos, ForPos Pos
	Expr                 *Expr
	// Labels and Annotations are the rule's templates, in file order.
	Labels, Annotations []*Template
	// Ignores are the rulecheck:ignore comments on the rule.
	Ignores []*ignore
}

// Template is a label or annotation value.
type Template struct {
	Key    string
	KeyPos Pos
	Text   *Text
}

// Label returns the rule's label called name, or nil.
func (r *Rule) Label(name string) *Template {
	for _, t := range r.Labels {
		if t.Key == name {
			return t
		}
	}
	return nil
}

// Annotation returns the rule's annotation called name, or nil.
func (r *Rule) Annotation(name string) *Template {
	for _, t := range r.Annotations {
		if t.Key == name {
			return t
		}
	}
	return nil
}

// Expr is a PromQL expression written in a file.
type Expr struct {
	File *File
	// Text is the value as written.
	Text *Text
	// Query is the text that was parsed: Text's value, with Grafana
	// variables replaced for dashboards.
	Query string
	// AST is the parsed expression, nil when it does not parse.
	AST parser.Expr
	// Rule is the rule the expression belongs to, nil for dashboards.
	Rule *Rule
	// Panel names the dashboard panel, for dashboards.
	Panel string
	// Legend is the dashboard target's legendFormat, if any.
	Legend *Text
	// toValue maps offsets of Query to offsets of Text.Value when they
	// differ.
	toValue []int
}

// Start is the position of the expression's first character.
func (e *Expr) Start() Pos { return e.Pos(0) }

// Pos is the position in the file of a byte offset of Query.
func (e *Expr) Pos(off int) Pos {
	if e.toValue != nil {
		off = e.toValue[max(0, min(off, len(e.toValue)-1))]
	}
	return e.Text.Pos(off)
}

// NodePos is the position in the file of a node of the AST.
func (e *Expr) NodePos(n parser.Node) Pos { return e.Pos(int(n.PositionRange().Start)) }

// String is the query.
func (e *Expr) String() string { return e.Query }

// yamlDoc is one YAML document of a file.
type yamlDoc struct {
	node       *yaml.Node
	kind       docKind
	start, end int // lines of the document's segment
}

type docKind int

const (
	docOther docKind = iota
	docPlain
	docRule
	docPrometheus
)

// operatorKinds are the operator's kinds besides PrometheusRule: documents
// of these kinds are not rule resources with a typo.
var operatorKinds = map[string]bool{
	"Prometheus": true, "PrometheusAgent": true, "Alertmanager": true, "AlertmanagerConfig": true,
	"ServiceMonitor": true, "PodMonitor": true, "Probe": true, "ScrapeConfig": true, "ThanosRuler": true,
}

func classifyDoc(doc *yaml.Node) docKind {
	m := yamlnode.Mapping(doc)
	if m == nil {
		return docOther
	}
	kind, api := yamlnode.Value(m, "kind"), yamlnode.Value(m, "apiVersion")
	if kind == nil && api == nil {
		// An empty mapping is a rule file with no groups, as Prometheus and
		// promtool read it (the mixins render "{}" for no rules).
		if yamlnode.Value(m, "groups") != nil || len(m.Content) == 0 {
			return docPlain
		}
		return docOther
	}
	if kind != nil {
		switch kind.Value {
		case "PrometheusRule", "PrometheusRuleList":
			return docRule
		case "Prometheus":
			return docPrometheus
		case "List":
			if items := yamlnode.Value(m, "items"); items != nil {
				for _, it := range items.Content {
					if k := yamlnode.Value(it, "kind"); k != nil && k.Value == "PrometheusRule" {
						return docRule
					}
				}
			}
			return docOther
		}
	}
	if kind != nil && operatorKinds[kind.Value] {
		return docOther
	}
	if api != nil && strings.HasPrefix(api.Value, "monitoring.coreos.com/") {
		return docRule // a PrometheusRule with a broken kind
	}
	if spec := yamlnode.Value(m, "spec"); spec != nil && yamlnode.Value(spec, "groups") != nil {
		return docRule
	}
	return docOther
}

// LoadOptions say how files are read.
type LoadOptions struct {
	Rulefile rulefile.Options
	Parser   parser.Parser
}

// ErrNotLintable is returned for a file that is neither a rule file, a
// dashboard nor a Prometheus resource.
var ErrNotLintable = errors.New("not a rule file, PrometheusRule, Grafana dashboard or Prometheus resource")

// LoadFile reads one file. It returns an error only when the file cannot be
// read (or is not lintable); problems in its content are LoadErrors.
func LoadFile(path string, opts LoadOptions) (*File, error) {
	content, err := rulefile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFile(path, content, opts)
}

// ParseFile reads a file's content; see LoadFile.
func ParseFile(path string, content []byte, opts LoadOptions) (*File, error) {
	f := &File{Path: path, Src: NewSource(content), nodesAt: map[Pos]*yaml.Node{}}
	if opts.Parser == nil {
		opts.Parser = promqlparser.New(parser.Options{})
	}
	if opts.Rulefile.Parser == nil {
		opts.Rulefile.Parser = opts.Parser
	}
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		if err := f.loadDashboard(opts); err != nil {
			return nil, err
		}
		f.parseIgnores()
		return f, nil
	}
	if err := f.loadYAML(opts); err != nil {
		return nil, err
	}
	f.parseIgnores()
	return f, nil
}

func (f *File) loadYAML(opts LoadOptions) error {
	content := f.Src.Content
	f.Kind = RuleFile
	if err := yamlsafe.Check(content); err != nil {
		return f.yamlFailure(err)
	}
	docs, err := f.splitDocs()
	if err != nil {
		return f.yamlFailure(err)
	}
	var rules, plain, proms, others int
	for _, d := range docs {
		switch d.kind {
		case docRule:
			rules++
		case docPlain:
			plain++
		case docPrometheus:
			proms++
		default:
			others++
		}
		indexNodes(d.node, f.nodesAt)
	}
	switch {
	case plain > 0:
		f.Kind = RuleFile
	case rules > 0:
		f.Kind = PrometheusRuleFile
	case proms > 0:
		f.Kind = PrometheusFile
	case len(docs) == 0:
		// Prometheus loads an empty or null rule file as no groups; so
		// does promtool. There is nothing to check.
		return nil
	default:
		f.Kind = OtherFile
		return ErrNotLintable
	}
	for _, d := range docs {
		if d.kind == docPrometheus {
			f.loadPrometheus(d.node)
		}
		if d.kind == docRule {
			f.loadResources(d.node)
		}
	}
	if f.Kind == PrometheusFile {
		return nil
	}
	// Blank out the documents that are not rules, keeping positions, so a
	// manifest bundle with a PrometheusRule in it loads.
	if others+proms > 0 {
		b := []byte(string(content))
		for _, d := range docs {
			if d.kind == docRule || d.kind == docPlain {
				continue
			}
			from, to := f.Src.Offset(Pos{Line: d.start, Column: 1}), f.Src.Offset(Pos{Line: d.end + 1, Column: 1})
			for i := from; i < to && i < len(b); i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
		}
		content = b
	}
	kind := rulefile.CRD
	if f.Kind == RuleFile {
		kind = rulefile.Plain
	}
	rf, err := rulefile.ParseKind(f.Path, content, kind, opts.Rulefile)
	if err != nil {
		f.addRulefileError(err)
		return nil
	}
	for _, r := range f.Resources {
		if r.noGroups.Line > 0 {
			f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatCRD, r.noGroups, fmt.Sprintf("PrometheusRule %s has no spec.groups: the operator loads no rules from it", r.Key())))
		}
	}
	f.build(rf, opts)
	return nil
}

// splitDocs decodes every document with the lines of its segment.
func (f *File) splitDocs() ([]*yamlDoc, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(f.Src.Content)))
	var docs []*yamlDoc
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n.Kind == 0 || len(n.Content) == 0 || (n.Content[0].Tag == "!!null") {
			continue
		}
		docs = append(docs, &yamlDoc{node: &n, kind: classifyDoc(&n)})
	}
	// Segments: from the line after a "---" (or the first line) to the
	// line before the next "---".
	var seps []int
	for l := 1; l <= f.Src.NumLines(); l++ {
		if strings.HasPrefix(f.Src.Line(l), "---") {
			seps = append(seps, l)
		}
	}
	for _, d := range docs {
		line := d.node.Content[0].Line
		d.start, d.end = 1, f.Src.NumLines()
		for _, s := range seps {
			if s < line {
				d.start = s + 1
			} else if s > line {
				d.end = s - 1
				break
			}
		}
	}
	return docs, nil
}

// yamlFailure records YAML that does not parse as a finding, and returns
// YAML refused for a limit (too deep, too many nodes, aliases expanding too
// far) as an error: the file cannot be read, as one over the size limit.
func (f *File) yamlFailure(err error) error {
	var le *yamlsafe.LimitError
	if errors.As(err, &le) {
		return rulefile.YAMLError(f.Path, err)
	}
	f.addYAMLError(err)
	return nil
}

func (f *File) addYAMLError(err error) {
	re := rulefile.YAMLError(f.Path, err)
	f.LoadErrors = append(f.LoadErrors, &LoadError{Range: re.Range, Category: CatYAML, Msg: re.Msg})
}

// addRulefileError records the rule file loader's errors, each under the
// category of its kind.
func (f *File) addRulefileError(err error) {
	var errs []error
	var es rulefile.Errors
	if errors.As(err, &es) {
		errs = es
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		le := f.newLoadError(CatRulefmt, Pos{}, e.Error())
		var re *rulefile.Error
		if errors.As(e, &re) {
			le.Range, le.Msg, le.Category = re.Range, re.Msg, categoryOf[re.Kind]
			le.File = f.Path
			if re.Parse != nil {
				f.refineExprError(le, re)
			}
		}
		if !slices.ContainsFunc(f.LoadErrors, func(o *LoadError) bool { return *o == *le }) {
			f.LoadErrors = append(f.LoadErrors, le)
		}
	}
}

// refineExprError moves a PromQL parse error from the expression's start to
// the byte of the expression the parser points at, and leaves the
// position out of the message.
func (f *File) refineExprError(le *LoadError, re *rulefile.Error) {
	prefix := ""
	if re.Rule != "" {
		prefix = re.Rule + ": "
	}
	le.Msg = prefix + "could not parse expression: parse error: " + re.Parse.Err.Error()
	node := f.scalarAt(le.Pos())
	if node == nil {
		return
	}
	t := f.Src.NewText(le.Pos(), node.Value)
	// The parser puts errors at the end of input after trailing
	// newlines; keep them on the expression's last line.
	off := min(int(re.Parse.PositionRange.Start), len(strings.TrimRight(node.Value, " \t\r\n")))
	p := t.Pos(max(0, off))
	le.Line, le.Column = p.Line, p.Column
}

// scalarAt finds the scalar node at a position.
func (f *File) scalarAt(p Pos) *yaml.Node {
	n := f.nodesAt[p]
	if n != nil && n.Kind == yaml.ScalarNode {
		return n
	}
	return nil
}

func indexNodes(n *yaml.Node, idx map[Pos]*yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			indexNodes(c, idx)
		}
		return
	}
	p := Pos{Line: n.Line, Column: n.Column}
	// A mapping and its first key share a position; keep the mapping, and
	// keep value scalars over keys.
	if old, ok := idx[p]; !ok || (old.Kind == yaml.ScalarNode && n.Kind != yaml.ScalarNode) {
		idx[p] = n
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			indexNodes(n.Content[i+1], idx)
			kp := Pos{Line: n.Content[i].Line, Column: n.Content[i].Column}
			if _, ok := idx[kp]; !ok {
				idx[kp] = n.Content[i]
			}
		}
		return
	}
	for _, c := range n.Content {
		indexNodes(c, idx)
	}
}

func nodePos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{Line: n.Line, Column: n.Column}
}

func (f *File) loadResources(doc *yaml.Node) {
	m := yamlnode.Mapping(doc)
	objs := []*yaml.Node{m}
	if k := yamlnode.Value(m, "kind"); k != nil && (k.Value == "List" || k.Value == "PrometheusRuleList") {
		objs = nil
		if items := yamlnode.Value(m, "items"); items != nil {
			objs = items.Content
		}
	}
	for _, o := range objs {
		meta := yamlnode.Value(o, "metadata")
		r := &Resource{Pos: nodePos(o), MetaPos: nodePos(yamlnode.Key(o, "metadata")), Labels: map[string]string{}}
		if meta == nil {
			r.MetaPos = r.Pos
		}
		if n := yamlnode.Value(meta, "name"); n != nil {
			r.Name = n.Value
		}
		if n := yamlnode.Value(meta, "namespace"); n != nil {
			r.Namespace = n.Value
		}
		if ls := yamlnode.Value(meta, "labels"); ls != nil && ls.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(ls.Content); i += 2 {
				r.Labels[ls.Content[i].Value] = ls.Content[i+1].Value
			}
		}
		spec := yamlnode.Value(o, "spec")
		if groups := yamlnode.Value(spec, "groups"); spec != nil && (groups == nil || (groups.Kind == yaml.SequenceNode && len(groups.Content) == 0)) {
			r.noGroups = nodePos(yamlnode.Key(o, "spec"))
		}
		f.Resources = append(f.Resources, r)
	}
}

func (f *File) loadPrometheus(doc *yaml.Node) {
	m := yamlnode.Mapping(doc)
	var generic any
	if err := m.Decode(&generic); err != nil {
		f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatCRD, nodePos(m), err.Error()))
		return
	}
	js, err := json.Marshal(generic)
	if err != nil {
		f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatCRD, nodePos(m), err.Error()))
		return
	}
	var p monitoringv1.Prometheus
	if err := json.Unmarshal(js, &p); err != nil {
		f.LoadErrors = append(f.LoadErrors, f.newLoadError(CatCRD, nodePos(m), "invalid Prometheus: "+strings.TrimPrefix(err.Error(), "json: ")))
		return
	}
	f.Prometheuses = append(f.Prometheuses, &Prometheus{Prometheus: &p, File: f.Path, Pos: nodePos(m)})
}

// build fills in the groups, rules and expressions of a loaded rule file.
func (f *File) build(rf *rulefile.File, opts LoadOptions) {
	res := map[string]*Resource{}
	for _, r := range f.Resources {
		res[r.Key()] = r
	}
	for _, g := range rf.Groups {
		grp := &Group{Name: g.Name, Pos: g.Pos, Interval: time.Duration(g.Interval), Resource: res[g.Resource], File: f, Raw: g.RuleGroup}
		for j, r := range g.Rules {
			rule := &Rule{Group: grp, Index: j, Raw: r, Name: r.Alert, IsAlert: r.Alert != ""}
			if !rule.IsAlert {
				rule.Name = r.Record
			}
			if j < len(g.RulePos) {
				rule.Pos = g.RulePos[j]
			}
			node := f.nodesAt[rule.Pos]
			if node != nil && node.Kind != yaml.MappingNode {
				node = nil
			}
			key := "record"
			if rule.IsAlert {
				key = "alert"
			}
			rule.NamePos = nodePos(yamlnode.Key(node, key))
			if rule.NamePos.Line == 0 {
				rule.NamePos = rule.Pos
			}
			rule.ForPos = nodePos(yamlnode.Value(node, "for"))
			rule.Labels = templates(f.Src, yamlnode.Value(node, "labels"))
			rule.Annotations = templates(f.Src, yamlnode.Value(node, "annotations"))
			exprPos := rule.Pos
			if j < len(g.ExprPos) {
				exprPos = g.ExprPos[j]
			}
			e := &Expr{File: f, Text: f.Src.NewText(exprPos, r.Expr), Query: r.Expr, Rule: rule}
			e.AST, _ = opts.Parser.ParseExpr(r.Expr)
			rule.Expr = e
			grp.Rules = append(grp.Rules, rule)
			f.Exprs = append(f.Exprs, e)
		}
		f.Groups = append(f.Groups, grp)
	}
}

func templates(src *Source, m *yaml.Node) []*Template {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out []*Template
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		out = append(out, &Template{Key: k.Value, KeyPos: nodePos(k), Text: src.NewText(nodePos(v), v.Value)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].KeyPos.Line < out[j].KeyPos.Line })
	return out
}

// parseDuration reads a Prometheus duration.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := model.ParseDuration(s)
	return time.Duration(d), err
}

// RuleAt returns the rule whose text holds a position, or nil: the rule
// whose YAML node starts last at or before the position, if the position
// is on the rule's first line or on a later line indented deeper than the
// rule (blank lines and comments aside).
func (f *File) RuleAt(pos Pos) *Rule {
	var best *Rule
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Pos.Line == 0 || !before(r.Pos, pos) {
				continue
			}
			if best == nil || before(best.Pos, r.Pos) {
				best = r
			}
		}
	}
	if best == nil || !f.indentedUnder(best.Pos, pos.Line) {
		return nil
	}
	return best
}

// before tells whether a is at or before b.
func before(a, b Pos) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Column <= b.Column)
}

// indentedUnder tells whether every non-blank, non-comment line after
// start's line up to line is indented at least to start's column.
func (f *File) indentedUnder(start Pos, line int) bool {
	for l := start.Line + 1; l <= line; l++ {
		text := f.Src.Line(l)
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if len([]rune(text))-len([]rune(trimmed))+1 < start.Column {
			return false
		}
	}
	return true
}

// exprAt returns the dashboard expression whose query or legend text
// holds a position, or nil.
func (f *File) exprAt(pos Pos) *Expr {
	for _, e := range f.Exprs {
		if e.Text.holds(pos) || e.Legend.holds(pos) {
			return e
		}
	}
	return nil
}

// holds tells whether a position lies between the text's first and last
// character in the file.
func (t *Text) holds(p Pos) bool {
	if t == nil || len(t.pos) == 0 {
		return false
	}
	return before(t.Start, p) && before(p, t.pos[len(t.pos)-1])
}
