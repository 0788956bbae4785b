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
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"

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
	return parser.NewParser(parser.Options{})
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

// Error is a problem at a position in a file.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%s: %s", e.File, e.Pos, e.Msg)
}

// Errors is a list of errors found in one file.
type Errors []error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// MaxFileSize is the largest rule file read, in bytes.
var MaxFileSize int64 = 32 << 20

// ReadFile reads a file, refusing directories, huge files and binary content
// with a clear error.
func ReadFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{File: path, Msg: "no such file"}
		}
		return nil, &Error{File: path, Msg: err.Error()}
	}
	if st.IsDir() {
		return nil, &Error{File: path, Msg: "is a directory, expected a file"}
	}
	if st.Size() > MaxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes, larger than the limit of %d bytes", st.Size(), MaxFileSize)}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		line := bytes.Count(b[:i], []byte("\n")) + 1
		col := i - bytes.LastIndexByte(b[:i], '\n')
		return nil, &Error{File: path, Pos: Pos{line, col}, Msg: "binary content (NUL byte), expected YAML text"}
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
		return nil, positioned(path, err, Pos{})
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

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// lineCol matches the "L:C: " prefix rulefmt puts on positioned errors.
var lineColRE = regexp.MustCompile(`^(\d+):(\d+): (?:\d+:\d+: )?`)

// positioned turns an error of the yaml or rulefmt packages into an Error
// with the position they name, or the fallback position when they name none.
func positioned(file string, err error, fallback Pos) *Error {
	msg := err.Error()
	if m := lineColRE.FindStringSubmatch(msg); m != nil {
		l, _ := strconv.Atoi(m[1])
		c, _ := strconv.Atoi(m[2])
		return &Error{File: file, Pos: Pos{l, c}, Msg: msg[len(m[0]):]}
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		l, _ := strconv.Atoi(m[1])
		return &Error{File: file, Pos: Pos{Line: l}, Msg: strings.TrimPrefix(msg[len(m[0]):], "yaml: ")}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		// "line N: cannot unmarshal ..."; keep the first, which is what a
		// user fixes first.
		return positioned(file, errors.New(te.Errors[0]), fallback)
	}
	return &Error{File: file, Pos: fallback, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

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
		return nil, positioned(path, err, Pos{})
	}
	if isEmptyDocument(&root) {
		// Prometheus and promtool load an empty or null file as no groups.
		return &File{Path: path, Kind: Plain}, nil
	}
	if m := yamlnode.Mapping(&root); m == nil {
		return nil, &Error{File: path, Pos: nodePos(yamlnode.Content(&root)), Msg: "expected a mapping with a \"groups\" key"}
	}
	rgs, errs := rulefmt.Parse(content, opts.IgnoreUnknownFields, opts.scheme(), opts.parser(), nopLogger)
	var nodes nodeGroups
	_ = root.Decode(&nodes)
	if len(errs) > 0 {
		return nil, fileErrors(path, errs, func(group string, rule int) Pos {
			for _, g := range nodes.Groups {
				if g.Name.Value == group && rule > 0 && rule <= len(g.Rules) {
					return nodePos(&g.Rules[rule-1])
				}
			}
			return Pos{}
		})
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

// fileErrors converts rulefmt's errors into positioned errors; rulePos finds
// a rule's position for errors that rulefmt reports without one.
func fileErrors(path string, errs []error, rulePos func(group string, rule int) Pos) error {
	out := make(Errors, 0, len(errs))
	for _, err := range errs {
		var fallback Pos
		var re *rulefmt.Error
		if errors.As(err, &re) {
			fallback = rulePos(re.Group, re.Rule)
		}
		out = append(out, positioned(path, err, fallback))
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
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
	dec := yaml.NewDecoder(bytes.NewReader(content))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, positioned(path, err, Pos{})
		}
		if isEmptyDocument(&doc) {
			continue // empty document, e.g. after a trailing ---
		}
		docs = append(docs, &doc)
	}
}

// Loader loads rule files once each and serves them to Prometheus's rule
// manager as a rules.GroupLoader, so a PrometheusRule loads wherever a rule
// file does and a file used by many test groups is parsed once.
type Loader struct {
	Opts Options

	mtx   sync.Mutex
	cache map[string]loadResult
	exprs map[string]parser.Expr
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
	if l.cache == nil {
		l.cache = map[string]loadResult{}
	}
	f, err := Load(path, l.Opts)
	l.cache[path] = loadResult{f, err}
	return f, err
}

// Load implements rules.GroupLoader.
func (l *Loader) Load(identifier string, _ bool, _ model.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	f, err := l.File(identifier)
	if err != nil {
		var es Errors
		if errors.As(err, &es) {
			return nil, es
		}
		return nil, []error{err}
	}
	return f.RuleGroups(), nil
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
