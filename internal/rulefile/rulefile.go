// Package rulefile loads Prometheus rule files: plain rule files as Prometheus
// reads them, and PrometheusRule custom resources (monitoring.coreos.com/v1)
// as the prometheus-operator turns them into rule files.
//
// Both kinds are validated by Prometheus's own rulefmt package. Errors name
// the file the user wrote and the line and column inside it, also for a
// PrometheusRule, whose rules Prometheus would otherwise only ever see in a
// generated copy.
package rulefile

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
)

// Kind tells how a rule file is written.
type Kind int

const (
	// Plain is a Prometheus rule file: a document with a top-level "groups" key.
	Plain Kind = iota
	// CRD is one or more PrometheusRule resources (or a List of them).
	CRD
)

func (k Kind) String() string {
	if k == CRD {
		return "PrometheusRule"
	}
	return "rule file"
}

// Options say how rule files are read.
type Options struct {
	// IgnoreUnknownFields accepts fields that neither Prometheus nor the
	// operator knows, as promtool's --ignore-unknown-fields does.
	IgnoreUnknownFields bool
	// Parser parses rule expressions; nil means Prometheus's default parser.
	Parser parser.Parser
	// NameValidation is the metric and label name scheme; unset means UTF-8,
	// Prometheus 3's default.
	NameValidation model.ValidationScheme
}

func (o Options) parser() parser.Parser {
	if o.Parser != nil {
		return o.Parser
	}
	return promqlparser.New(parser.Options{})
}

func (o Options) scheme() model.ValidationScheme {
	if o.NameValidation == model.UnsetValidation {
		return model.UTF8Validation
	}
	return o.NameValidation
}

// Pos is a position in a file: 1-based line and column.
type Pos struct {
	Line, Column int
}

func (p Pos) String() string {
	if p.Column == 0 {
		return strconv.Itoa(p.Line)
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// Group is a rule group with where its parts are written.
type Group struct {
	rulefmt.RuleGroup
	// Pos is the position of the group in the file.
	Pos Pos
	// RulePos and ExprPos hold, per rule, the position of the rule and of its
	// expression.
	RulePos, ExprPos []Pos
	// Resource names the PrometheusRule the group belongs to
	// ("namespace/name"), empty for plain files.
	Resource string
}

// File is a loaded rule file.
type File struct {
	Path   string
	Kind   Kind
	Groups []Group
	// Skipped are the Kubernetes objects of other kinds that were passed
	// over in a manifest bundle beside its PrometheusRules.
	Skipped []SkippedObject
}

// SkippedObject is a Kubernetes object of another kind in a bundle.
type SkippedObject struct {
	Pos  Pos
	Kind string
}

// RuleGroups returns the groups as Prometheus's rule manager takes them.
func (f *File) RuleGroups() *rulefmt.RuleGroups {
	rgs := &rulefmt.RuleGroups{Groups: make([]rulefmt.RuleGroup, len(f.Groups))}
	for i, g := range f.Groups {
		rgs.Groups[i] = g.RuleGroup
	}
	return rgs
}

// ReadFile reads a file through inputfile.Read (a regular file within the
// size limit; a directory, device or named pipe is refused at once) and
// refuses binary content, with a clear error.
func ReadFile(path string) ([]byte, error) {
	b, err := inputfile.Read(path)
	if err != nil {
		var ie *inputfile.Error
		if errors.As(err, &ie) {
			return nil, errAt(path, Pos{}, ErrRead, ie.Msg())
		}
		return nil, errAt(path, Pos{}, ErrRead, err.Error())
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		line := bytes.Count(b[:i], []byte("\n")) + 1
		col := i - bytes.LastIndexByte(b[:i], '\n')
		return nil, errAt(path, Pos{line, col}, ErrRead, "binary content (NUL byte), expected YAML text")
	}
	return b, nil
}

// Load reads and validates one rule file of either kind.
func Load(path string, opts Options) (*File, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b, opts)
}

// Parse validates the content of one rule file of either kind.
func Parse(path string, content []byte, opts Options) (*File, error) {
	// Refuse alias bombs and absurd nesting before anything walks the
	// document: the PrometheusRule checks follow aliases.
	if err := yamlsafe.Check(content); err != nil {
		return nil, yamlError(path, err, Pos{})
	}
	if IsCRD(content) {
		return parseCRD(path, content, opts)
	}
	return parsePlain(path, content, opts)
}

// IsCRD reports whether the first YAML document is a Kubernetes object: a
// mapping with an apiVersion or kind key.
func IsCRD(content []byte) bool {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(content)).Decode(&doc); err != nil {
		return false
	}
	m := yamlnode.Mapping(&doc)
	return m != nil && (yamlnode.Value(m, "apiVersion") != nil || yamlnode.Value(m, "kind") != nil)
}

var nopLogger = slog.New(slog.DiscardHandler)

// nodeGroups mirrors rulefmt's node structure, to learn where groups and
// rules are written.
type nodeGroups struct {
	Groups []struct {
		Name  yaml.Node   `yaml:"name"`
		Rules []yaml.Node `yaml:"rules"`
	} `yaml:"groups"`
}

func parsePlain(path string, content []byte, opts Options) (*File, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(content, &root); err != nil {
		return nil, yamlError(path, err, Pos{})
	}
	if isEmptyDocument(&root) {
		// Prometheus and promtool load an empty or null file as no groups.
		return &File{Path: path, Kind: Plain}, nil
	}
	if m := yamlnode.Mapping(&root); m == nil {
		return nil, errAt(path, nodePos(yamlnode.Content(&root)), ErrRulefmt, "expected a mapping with a \"groups\" key")
	}
	rgs, errs := rulefmt.Parse(content, opts.IgnoreUnknownFields, opts.scheme(), opts.parser(), nopLogger)
	var nodes nodeGroups
	_ = root.Decode(&nodes)
	if rgs == nil && len(errs) > 0 {
		return nil, decodeErrors(path, content, errs)
	}
	if len(errs) > 0 {
		return nil, plainErrors(path, rgs, &root, errs, opts)
	}
	f := &File{Path: path, Kind: Plain}
	for i, g := range rgs.Groups {
		grp := Group{RuleGroup: g}
		if i < len(nodes.Groups) {
			grp.Pos = nodePos(&nodes.Groups[i].Name)
			for j := range nodes.Groups[i].Rules {
				rn := &nodes.Groups[i].Rules[j]
				grp.RulePos = append(grp.RulePos, nodePos(rn))
				grp.ExprPos = append(grp.ExprPos, valuePos(rn, "expr"))
			}
		}
		f.Groups = append(f.Groups, grp)
	}
	return f, nil
}

// isEmptyDocument reports whether a decoded document holds nothing: an
// empty file, only comments, or null.
func isEmptyDocument(doc *yaml.Node) bool {
	return doc.Kind == 0 || (len(doc.Content) == 1 && doc.Content[0].Tag == "!!null")
}

// decodeErrors converts the errors of rulefmt's decode of a file: a value
// of the wrong type (ErrYAML) or a field rulefmt does not know (ErrRulefmt,
// told apart by decoding again without the known-fields check).
func decodeErrors(path string, content []byte, errs []error) error {
	kind := ErrRulefmt
	var loose rulefmt.RuleGroups
	if err := yaml.Unmarshal(content, &loose); err != nil {
		kind = ErrYAML
	}
	out := make(Errors, 0, len(errs))
	seen := map[string]bool{}
	for _, err := range errs {
		// rulefmt decodes the file twice (into its types, then into nodes)
		// and reports a YAML error, such as a duplicate key, from both.
		if seen[err.Error()] {
			continue
		}
		seen[err.Error()] = true
		e := yamlError(path, err, Pos{})
		e.Kind = kind
		out = append(out, e)
	}
	return oneOrAll(out)
}

// plainErrors converts rulefmt's validation errors. The checks of a group
// itself are made here (rulefmt reports them as text only), in rulefmt's
// order: each group's own errors, then its rules' errors.
func plainErrors(path string, rgs *rulefmt.RuleGroups, root *yaml.Node, errs []error, opts Options) error {
	var ruleErrs []*rulefmt.Error
	var other []error
	for _, err := range errs {
		var re *rulefmt.Error
		if errors.As(err, &re) {
			ruleErrs = append(ruleErrs, re)
		} else {
			other = append(other, err)
		}
	}
	groups := yamlnode.Value(yamlnode.Mapping(root), "groups")
	// rulePos is the position of a rule that rulefmt names by its group's
	// name and its index.
	rulePos := func(re *rulefmt.Error) Pos {
		for i, g := range rgs.Groups {
			if g.Name == re.Group && re.Rule > 0 && re.Rule <= len(g.Rules) {
				return nodePos(yamlnode.Item(yamlnode.Value(yamlnode.Item(groups, i), "rules"), re.Rule-1))
			}
		}
		return Pos{}
	}
	var out Errors
	seen := map[string]bool{}
	for i, g := range rgs.Groups {
		out = append(out, groupErrors(path, g, yamlnode.Item(groups, i), seen, "the same file", opts)...)
		for len(ruleErrs) > 0 && ruleErrs[0].Group == g.Name && ruleErrs[0].Rule <= len(g.Rules) {
			out = append(out, ruleError(path, ruleErrs[0], rulePos(ruleErrs[0])))
			ruleErrs = ruleErrs[1:]
		}
	}
	for _, re := range ruleErrs {
		out = append(out, ruleError(path, re, rulePos(re)))
	}
	if len(out) == 0 {
		// rulefmt found something about the file as a whole (such as the
		// name validation scheme).
		for _, err := range other {
			out = append(out, errAt(path, Pos{}, ErrRulefmt, err.Error()))
		}
	}
	return oneOrAll(out)
}

// groupErrors checks a group as rulefmt does (a name, unique in the rule
// file, valid label names and values), positioned at its YAML node. in
// names that rule file in the message ("the same file", as rulefmt says, or
// the PrometheusRule the operator writes as one).
func groupErrors(path string, g rulefmt.RuleGroup, node *yaml.Node, seen map[string]bool, in string, opts Options) Errors {
	var errs Errors
	gpos := nodePos(node)
	if g.Name == "" {
		errs = append(errs, errAt(path, gpos, ErrRulefmt, "Groupname must not be empty"))
	}
	if seen[g.Name] {
		errs = append(errs, errAt(path, valuePos(node, "name"), ErrDuplicateGroup, fmt.Sprintf("groupname: %q is repeated in %s", g.Name, in)))
	}
	seen[g.Name] = true
	keys := make([]string, 0, len(g.Labels))
	for k := range g.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !opts.scheme().IsValidLabelName(k) || k == model.MetricNameLabel {
			errs = append(errs, errAt(path, gpos, ErrRulefmt, "invalid label name: "+k))
		}
		if !model.LabelValue(g.Labels[k]).IsValid() {
			errs = append(errs, errAt(path, gpos, ErrRulefmt, "invalid label value: "+g.Labels[k]))
		}
	}
	return errs
}

// oneOrAll returns the only error of a list, or the list.
func oneOrAll(errs Errors) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errs
}

func nodePos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{}
	}
	return Pos{n.Line, n.Column}
}

// valuePos is the position of the value of key in mapping n, or of n.
func valuePos(n *yaml.Node, key string) Pos {
	if v := yamlnode.Value(n, key); v != nil {
		return nodePos(v)
	}
	return nodePos(n)
}

// splitDocuments decodes every YAML document of a file.
func splitDocuments(path string, content []byte) ([]*yaml.Node, error) {
	all, err := yamlnode.Documents(content)
	if err != nil {
		return nil, yamlError(path, err, Pos{})
	}
	docs := all[:0]
	for _, doc := range all {
		if !isEmptyDocument(doc) { // e.g. after a trailing ---
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

// Loader loads rule files once each and serves them to Prometheus's rule
// manager as a rules.GroupLoader, so a PrometheusRule loads wherever a rule
// file does and a file used by many test groups is parsed once.
type Loader struct {
	Opts Options

	mtx   sync.Mutex
	cache map[string]loadResult
	exprs map[string]parser.Expr
	// units are the units Units returned, by ID.
	units map[string]Unit
	// base, when set, serves the files and expressions this Loader does
	// not hold (see With).
	base *Loader
}

// With returns a Loader that serves f for path and everything else from l,
// sharing l's loaded files and parsed expressions: a rule file with one rule
// changed costs no reading or parsing of the others.
func (l *Loader) With(path string, f *File) *Loader {
	return &Loader{Opts: l.Opts, cache: map[string]loadResult{path: {file: f}}, base: l}
}

type loadResult struct {
	file *File
	err  error
}

// File returns the loaded file at path, loading it on first use.
func (l *Loader) File(path string) (*File, error) {
	l.mtx.Lock()
	defer l.mtx.Unlock()
	if r, ok := l.cache[path]; ok {
		return r.file, r.err
	}
	if l.base != nil {
		return l.base.File(path)
	}
	if l.cache == nil {
		l.cache = map[string]loadResult{}
	}
	f, err := Load(path, l.Opts)
	l.cache[path] = loadResult{f, err}
	return f, err
}

// Load implements rules.GroupLoader. The identifier is a unit's ID (see
// Units): the path of a file that is one unit, or the ID of one
// PrometheusRule of a file that holds several.
func (l *Loader) Load(identifier string, _ bool, _ model.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	u, isUnit := l.unit(identifier)
	path := identifier
	if isUnit {
		path = u.Path
	}
	f, err := l.File(path)
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			return nil, es
		}
		return nil, []error{err}
	}
	if !isUnit {
		if len(f.Units()) > 1 {
			return nil, []error{errAt(path, Pos{}, ErrCRD, severalUnits)}
		}
		return f.RuleGroups(), nil
	}
	gs := f.UnitGroups(u)
	rgs := &rulefmt.RuleGroups{Groups: make([]rulefmt.RuleGroup, len(gs))}
	for i, g := range gs {
		rgs.Groups[i] = g.RuleGroup
	}
	return rgs, nil
}

// Parse implements rules.GroupLoader. Expressions are parsed once per
// Loader: the rule manager only reads them (it prints them for each query),
// so rule groups of many test groups can share one parsed expression.
func (l *Loader) Parse(query string) (parser.Expr, error) {
	l.mtx.Lock()
	defer l.mtx.Unlock()
	if e, ok := l.exprs[query]; ok {
		return e, nil
	}
	if l.base != nil {
		if e, ok := l.base.parsed(query); ok {
			return e, nil
		}
	}
	e, err := l.Opts.parser().ParseExpr(query)
	if err != nil {
		return nil, err
	}
	if l.exprs == nil {
		l.exprs = map[string]parser.Expr{}
	}
	l.exprs[query] = e
	return e, nil
}

// parsed returns an expression already parsed by l.
func (l *Loader) parsed(query string) (parser.Expr, bool) {
	l.mtx.Lock()
	defer l.mtx.Unlock()
	e, ok := l.exprs[query]
	return e, ok
}

// ParseKind validates content as a rule file of the given kind, without
// looking at its first document to tell the kind. It lets a caller parse
// the PrometheusRule documents of a file whose first document is another
// Kubernetes object (blanked out by the caller).
func ParseKind(path string, content []byte, kind Kind, opts Options) (*File, error) {
	if kind == CRD {
		return parseCRD(path, content, opts)
	}
	return parsePlain(path, content, opts)
}
