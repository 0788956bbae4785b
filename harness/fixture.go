package harness

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	yamlv2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/rulefile"
	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
)

// FormatV1 is the value of a fixture's top-level "format" key that selects
// rulecheck's own semantics: each rule group is evaluated at its own
// interval, as a Prometheus server does, and timeline tests are allowed.
// A file without the key is a promtool test file and is run exactly as
// promtool runs it.
const FormatV1 = "rulecheck/v1"

// Fixture is a parsed test file: promtool's unit-test format, optionally with
// rulecheck's extensions.
type Fixture struct {
	// Path is the file the fixture was read from.
	Path string
	// Native is true for files with "format: rulecheck/v1".
	Native bool
	// RuleFiles are the rule files after resolving relative paths and globs.
	RuleFiles []string
	// UnmatchedPatterns are rule_files entries that matched no file; promtool
	// only warns about them.
	UnmatchedPatterns []Positioned[string]
	// EvaluationInterval defaults to one minute.
	EvaluationInterval time.Duration
	GroupEvalOrder     []string
	FuzzyCompare       bool
	Tests              []*TestGroup
	// Line is where the "tests" key is.
	Line int
}

// Positioned is a value with the line it is written on.
type Positioned[T any] struct {
	Value T
	Line  int
}

// TestGroup is one entry of a fixture's tests list.
type TestGroup struct {
	// Name is the group's name, or "unnamed#i" as promtool names it.
	Name string
	// Index is the position in the tests list.
	Index int
	Line  int
	// Interval is the input series' step.
	Interval       time.Duration
	InputSeries    []InputSeries
	AlertTests     []AlertTest
	ExprTests      []ExprTest
	ExternalLabels labels.Labels
	ExternalURL    string
	// Start is the time of the replay's first step (the Unix epoch unless
	// start_timestamp is given).
	Start time.Time
	// Timeline and the fields below are rulecheck extensions.
	Timeline []TimelineEntry
	// Duration is how long a native replay runs; zero means until the last
	// input sample or expected event, whichever is later.
	Duration time.Duration
	// AllowUnlisted turns off the timeline's "and nothing else fires" rule.
	AllowUnlisted bool
	// HasTimeline is set when the timeline key is present, even if empty: an
	// empty timeline asserts that nothing fires.
	HasTimeline bool
}

// InputSeries is one input series in promtool's expanding notation.
type InputSeries struct {
	Series, Values string
	Line           int
}

// AlertTest is an alert_rule_test entry.
type AlertTest struct {
	EvalTime  time.Duration
	Alertname string
	ExpAlerts []ExpAlert
	Line      int
	// HasExpAlerts is set when exp_alerts is written, even as an empty list.
	HasExpAlerts bool
}

// ExpAlert is one expected firing alert.
type ExpAlert struct {
	Labels      map[string]string
	Annotations map[string]string
}

// ExprTest is a promql_expr_test entry.
type ExprTest struct {
	Expr       string
	EvalTime   time.Duration
	ExpSamples []ExpSample
	Line       int
}

// ExpSample is one expected PromQL sample.
type ExpSample struct {
	Labels    string
	Value     float64
	Histogram string
}

// TimelineEntry is one episode of one alert: when it turned pending, when it
// started firing and when it resolved, relative to the replay's start.
type TimelineEntry struct {
	Alert       string
	Labels      map[string]string
	Pending     *time.Duration
	Firing      *time.Duration
	Resolved    *time.Duration
	Annotations map[string]string
	Line        int
}

// The yaml types mirror promtool's, decoded the way promtool decodes them
// (yaml.v2, strict), so that a file promtool rejects is rejected here too.
type fileYAML struct {
	Format             string          `yaml:"format,omitempty"`
	RuleFiles          []string        `yaml:"rule_files"`
	EvaluationInterval model.Duration  `yaml:"evaluation_interval,omitempty"`
	GroupEvalOrder     []string        `yaml:"group_eval_order"`
	Tests              []testGroupYAML `yaml:"tests"`
	FuzzyCompare       bool            `yaml:"fuzzy_compare,omitempty"`
}

type testGroupYAML struct {
	Interval        model.Duration  `yaml:"interval"`
	InputSeries     []seriesYAML    `yaml:"input_series"`
	AlertRuleTests  []alertTestYAML `yaml:"alert_rule_test,omitempty"`
	PromqlExprTests []exprTestYAML  `yaml:"promql_expr_test,omitempty"`
	ExternalLabels  labels.Labels   `yaml:"external_labels,omitempty"`
	ExternalURL     string          `yaml:"external_url,omitempty"`
	TestGroupName   string          `yaml:"name,omitempty"`
	StartTimestamp  startTimestamp  `yaml:"start_timestamp,omitempty"`
	Timeline        *[]timelineYAML `yaml:"timeline,omitempty"`
	Duration        model.Duration  `yaml:"duration,omitempty"`
	AllowUnlisted   bool            `yaml:"allow_unlisted_alerts,omitempty"`
}

type seriesYAML struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

type alertTestYAML struct {
	EvalTime  model.Duration `yaml:"eval_time"`
	Alertname string         `yaml:"alertname"`
	ExpAlerts *[]struct {
		ExpLabels      map[string]string `yaml:"exp_labels"`
		ExpAnnotations map[string]string `yaml:"exp_annotations"`
	} `yaml:"exp_alerts"`
}

type exprTestYAML struct {
	Expr       string         `yaml:"expr"`
	EvalTime   model.Duration `yaml:"eval_time"`
	ExpSamples []struct {
		Labels    string  `yaml:"labels"`
		Value     float64 `yaml:"value"`
		Histogram string  `yaml:"histogram"`
	} `yaml:"exp_samples"`
}

type timelineYAML struct {
	Alert       string            `yaml:"alert"`
	Labels      map[string]string `yaml:"labels"`
	Pending     *model.Duration   `yaml:"pending"`
	Firing      *model.Duration   `yaml:"firing"`
	Resolved    *model.Duration   `yaml:"resolved"`
	Annotations map[string]string `yaml:"annotations"`
}

// startTimestamp accepts RFC 3339 or Unix seconds, as promtool does.
type startTimestamp struct{ time.Time }

func (t *startTimestamp) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err != nil {
		return err
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec, frac := math.Modf(f)
		t.Time = time.Unix(int64(sec), int64(frac*float64(time.Second))).UTC()
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("cannot parse %q to a valid timestamp", s)
	}
	t.Time = parsed
	return nil
}

// FixtureError is a problem in a fixture file, at a line when known.
type FixtureError struct {
	File string
	Line int
	Msg  string
}

func (e *FixtureError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var yamlErrLine = regexp.MustCompile(`line (\d+): `)

func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	line := 0
	if m := yamlErrLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = msg[:m[0]] + msg[m[1]:]
	}
	return &FixtureError{File: path, Line: line, Msg: friendlyYAML(strings.TrimSpace(msg))}
}

var (
	fieldNotFoundRE = regexp.MustCompile(`field (\S+) not found in type (harness\.\w+|struct \{[^}]*\})`)
	fieldSetRE      = regexp.MustCompile(`field (\S+) already set in type (harness\.\w+|struct \{[^}]*\})`)
	unmarshalRE     = regexp.MustCompile("cannot unmarshal !!(\\w+)( `[^`]*`)? into (\\S+|struct \\{[^}]*\\})")
)

// friendlyYAML rewrites yaml.v2's messages, which name the Go types the
// fixture is decoded into, in the fixture's own terms.
func friendlyYAML(msg string) string {
	msg = fieldNotFoundRE.ReplaceAllStringFunc(msg, func(m string) string {
		sm := fieldNotFoundRE.FindStringSubmatch(m)
		return fmt.Sprintf("unknown field %q in %s", sm[1], yamlSection(sm[2]))
	})
	msg = fieldSetRE.ReplaceAllStringFunc(msg, func(m string) string {
		sm := fieldSetRE.FindStringSubmatch(m)
		return fmt.Sprintf("duplicate key %q in %s", sm[1], yamlSection(sm[2]))
	})
	return unmarshalRE.ReplaceAllStringFunc(msg, func(m string) string {
		sm := unmarshalRE.FindStringSubmatch(m)
		found := map[string]string{"seq": "a list", "map": "a mapping", "str": "a string", "int": "a number", "float": "a number", "bool": "a boolean", "null": "null", "binary": "binary data", "timestamp": "a timestamp"}[sm[1]]
		if found == "" {
			found = "!!" + sm[1]
		}
		return fmt.Sprintf("expected %s, found %s%s", yamlKind(sm[3]), found, sm[2])
	})
}

// yamlSection names the part of a fixture a decoding type stands for.
func yamlSection(goType string) string {
	switch {
	case goType == "harness.fileYAML":
		return "the top level of the test file"
	case goType == "harness.testGroupYAML":
		return "a tests entry"
	case goType == "harness.seriesYAML":
		return "an input_series entry"
	case goType == "harness.alertTestYAML":
		return "an alert_rule_test entry"
	case goType == "harness.exprTestYAML":
		return "a promql_expr_test entry"
	case goType == "harness.timelineYAML":
		return "a timeline entry"
	case strings.Contains(goType, "exp_labels"):
		return "an exp_alerts entry"
	case strings.Contains(goType, "histogram"):
		return "an exp_samples entry"
	}
	return goType
}

// yamlKind names the kind of YAML value a decoding type expects.
func yamlKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "struct"), strings.HasPrefix(goType, "harness."), goType == "labels.Labels":
		return "a mapping"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "float"), strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a number"
	}
	return goType
}

// LoadFixture reads and parses a fixture file.
func LoadFixture(path string) (*Fixture, error) {
	b, err := rulefile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFixture(path, b)
}

// ParseFixture parses fixture content; path is used for messages and to
// resolve rule files.
func ParseFixture(path string, content []byte) (*Fixture, error) {
	if len(bytes.TrimSpace(content)) == 0 {
		return nil, &FixtureError{File: path, Msg: "empty test file: expected rule_files and tests"}
	}
	if err := yamlsafe.Check(content); err != nil {
		return nil, yamlError(path, err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(content, &root) // positions only; a failure leaves them zero
	doc := yamlnode.Mapping(&root)
	if err := notRuleFile(path, content, doc); err != nil {
		return nil, err
	}
	var in fileYAML
	if err := yamlv2.UnmarshalStrict(content, &in); err != nil {
		return nil, locate(yamlError(path, err), content, doc)
	}

	f := &Fixture{
		Path:               path,
		EvaluationInterval: time.Duration(in.EvaluationInterval),
		GroupEvalOrder:     in.GroupEvalOrder,
		FuzzyCompare:       in.FuzzyCompare,
		Line:               keyLine(doc, "tests"),
	}
	switch in.Format {
	case "":
	case FormatV1:
		f.Native = true
	default:
		return nil, &FixtureError{File: path, Line: keyLine(doc, "format"), Msg: fmt.Sprintf("unknown format %q: the only format is %q (leave it out for a promtool test file)", in.Format, FormatV1)}
	}
	if f.EvaluationInterval == 0 {
		f.EvaluationInterval = time.Minute
	}
	if err := f.resolveRuleFiles(in.RuleFiles, seqLines(yamlnode.Value(doc, "rule_files"))); err != nil {
		return nil, err
	}
	testNodes := yamlnode.Items(yamlnode.Value(doc, "tests"))
	for i, tg := range in.Tests {
		tn := at(testNodes, i)
		t := &TestGroup{
			Name:           tg.TestGroupName,
			Index:          i,
			Line:           nodeLine(tn),
			Interval:       time.Duration(tg.Interval),
			ExternalLabels: tg.ExternalLabels,
			ExternalURL:    tg.ExternalURL,
			Start:          tg.StartTimestamp.Time,
			Duration:       time.Duration(tg.Duration),
			AllowUnlisted:  tg.AllowUnlisted,
		}
		if t.Name == "" {
			t.Name = fmt.Sprintf("unnamed#%d", i)
		}
		if t.Interval == 0 {
			t.Interval = f.EvaluationInterval
		}
		if t.Start.IsZero() {
			t.Start = time.Unix(0, 0).UTC()
		}
		seriesNodes := yamlnode.Items(yamlnode.Value(tn, "input_series"))
		for j, s := range tg.InputSeries {
			t.InputSeries = append(t.InputSeries, InputSeries{Series: s.Series, Values: s.Values, Line: nodeLine(at(seriesNodes, j))})
		}
		alertNodes := yamlnode.Items(yamlnode.Value(tn, "alert_rule_test"))
		for j, a := range tg.AlertRuleTests {
			test := AlertTest{EvalTime: time.Duration(a.EvalTime), Alertname: a.Alertname, Line: nodeLine(at(alertNodes, j)), HasExpAlerts: a.ExpAlerts != nil}
			if a.ExpAlerts != nil {
				for _, e := range *a.ExpAlerts {
					test.ExpAlerts = append(test.ExpAlerts, ExpAlert{Labels: e.ExpLabels, Annotations: e.ExpAnnotations})
				}
			}
			t.AlertTests = append(t.AlertTests, test)
		}
		exprNodes := yamlnode.Items(yamlnode.Value(tn, "promql_expr_test"))
		for j, e := range tg.PromqlExprTests {
			et := ExprTest{Expr: e.Expr, EvalTime: time.Duration(e.EvalTime), Line: nodeLine(at(exprNodes, j))}
			for _, s := range e.ExpSamples {
				et.ExpSamples = append(et.ExpSamples, ExpSample{Labels: s.Labels, Value: s.Value, Histogram: s.Histogram})
			}
			t.ExprTests = append(t.ExprTests, et)
		}
		if tg.Timeline != nil || tg.Duration != 0 || tg.AllowUnlisted {
			if !f.Native {
				return nil, &FixtureError{File: path, Line: t.Line, Msg: fmt.Sprintf("test %q: timeline, duration and allow_unlisted_alerts are rulecheck extensions; add \"format: %s\" at the top of the file to use them", t.Name, FormatV1)}
			}
		}
		if tg.Timeline != nil {
			t.HasTimeline = true
			tlNodes := yamlnode.Items(yamlnode.Value(tn, "timeline"))
			for j, e := range *tg.Timeline {
				te := TimelineEntry{Alert: e.Alert, Labels: e.Labels, Annotations: e.Annotations, Line: nodeLine(at(tlNodes, j)),
					Pending: dur(e.Pending), Firing: dur(e.Firing), Resolved: dur(e.Resolved)}
				if err := te.validate(); err != nil {
					return nil, &FixtureError{File: path, Line: te.Line, Msg: fmt.Sprintf("test %q: timeline: %s", t.Name, err)}
				}
				t.Timeline = append(t.Timeline, te)
			}
		}
		f.Tests = append(f.Tests, t)
	}
	return f, nil
}

// notRuleFile refuses a rule file passed where a test file is expected: a
// PrometheusRule resource, or a document with a top-level "groups" key and no
// "tests" key. Such a file is an error for promtool too; this only says why.
func notRuleFile(path string, content []byte, doc *yaml.Node) error {
	if rulefile.IsCRD(content) {
		line := keyLine(doc, "kind")
		if line == 0 {
			line = keyLine(doc, "apiVersion")
		}
		return &FixtureError{File: path, Line: line, Msg: "this looks like a rule file (a Kubernetes resource, e.g. a PrometheusRule), not a test file: list it under rule_files in a test file and pass the test file to rulecheck test"}
	}
	if keyLine(doc, "groups") > 0 && keyLine(doc, "tests") == 0 {
		return &FixtureError{File: path, Line: keyLine(doc, "groups"), Msg: "this looks like a rule file (top-level \"groups\", no \"tests\"), not a test file: list it under rule_files in a test file and pass the test file to rulecheck test"}
	}
	return nil
}

// durationKeys are the fixture keys whose values are durations.
var durationKeys = map[string]bool{
	"evaluation_interval": true, "interval": true, "eval_time": true,
	"duration": true, "pending": true, "firing": true, "resolved": true,
}

// locate adds a line to a decoding error that has none. yaml.v2 reports the
// errors of custom unmarshalers (durations, timestamps) and of its reader
// (invalid UTF-8) without a position; the offending value is found again
// here.
func locate(err error, content []byte, doc *yaml.Node) error {
	fe, ok := err.(*FixtureError)
	if !ok || fe.Line > 0 {
		return err
	}
	if !utf8.Valid(content) {
		off := 0
		for off < len(content) {
			r, size := utf8.DecodeRune(content[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line := bytes.Count(content[:off], []byte("\n")) + 1
		col := off - bytes.LastIndexByte(content[:off], '\n')
		fe.Line = line
		fe.Msg = fmt.Sprintf("invalid UTF-8 (byte 0x%02x at column %d): %s; YAML files must be UTF-8 text", content[off], col, fe.Msg)
		return fe
	}
	if key, v := badScalar(doc); v != nil {
		fe.Line = v.Line
		if strings.Contains(fe.Msg, strconv.Quote(v.Value)) {
			fe.Msg = key + ": " + fe.Msg
		} else {
			fe.Msg = fmt.Sprintf("%s %q: %s", key, v.Value, fe.Msg)
		}
	}
	return fe
}

// badScalar returns the first duration or timestamp value, in document order,
// that does not parse.
func badScalar(n *yaml.Node) (string, *yaml.Node) {
	if n == nil {
		return "", nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
				switch {
				case durationKeys[k.Value]:
					if _, err := model.ParseDuration(v.Value); err != nil {
						return k.Value, v
					}
				case k.Value == "start_timestamp":
					var ts startTimestamp
					if ts.UnmarshalYAML(func(out any) error { *out.(*string) = v.Value; return nil }) != nil {
						return k.Value, v
					}
				}
			}
			if key, bad := badScalar(v); bad != nil {
				return key, bad
			}
		}
		return "", nil
	}
	for _, c := range n.Content {
		if key, bad := badScalar(c); bad != nil {
			return key, bad
		}
	}
	return "", nil
}

func dur(d *model.Duration) *time.Duration {
	if d == nil {
		return nil
	}
	v := time.Duration(*d)
	return &v
}

func (te *TimelineEntry) validate() error {
	switch {
	case te.Alert == "":
		return errors.New("an entry misses the alert name (alert: NAME)")
	case te.Pending == nil && te.Firing == nil:
		return fmt.Errorf("alert %s: give at least pending or firing", te.Alert)
	case te.Pending != nil && te.Firing != nil && *te.Firing < *te.Pending:
		return fmt.Errorf("alert %s: firing (%s) before pending (%s)", te.Alert, fmtDur(*te.Firing), fmtDur(*te.Pending))
	}
	first := te.Pending
	if first == nil {
		first = te.Firing
	}
	if te.Resolved != nil && *te.Resolved <= *first {
		return fmt.Errorf("alert %s: resolved (%s) is not after it became active (%s)", te.Alert, fmtDur(*te.Resolved), fmtDur(*first))
	}
	return nil
}

// resolveRuleFiles joins relative paths with the fixture's folder and expands
// globs, as promtool does.
func (f *Fixture) resolveRuleFiles(patterns []string, lines []int) error {
	base := filepath.Dir(f.Path)
	for i, rf := range patterns {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		if rf != "" && !filepath.IsAbs(rf) {
			rf = filepath.Join(base, rf)
		}
		m, err := filepath.Glob(rf)
		if err != nil {
			return &FixtureError{File: f.Path, Line: line, Msg: fmt.Sprintf("rule_files: bad pattern %q: %s", patterns[i], err)}
		}
		if len(m) == 0 {
			f.UnmatchedPatterns = append(f.UnmatchedPatterns, Positioned[string]{Value: patterns[i], Line: line})
		}
		f.RuleFiles = append(f.RuleFiles, m...)
	}
	return nil
}

// Helpers over yaml.v3 nodes, used only to find lines.

func keyLine(m *yaml.Node, key string) int {
	if k := yamlnode.Key(m, key); k != nil {
		return k.Line
	}
	return 0
}

func seqLines(n *yaml.Node) []int {
	var out []int
	for _, c := range yamlnode.Items(n) {
		out = append(out, c.Line)
	}
	return out
}

func at(ns []*yaml.Node, i int) *yaml.Node {
	if i < len(ns) {
		return ns[i]
	}
	return nil
}

func nodeLine(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// fmtDur prints a duration the way fixtures write it (1m30s, 2h).
func fmtDur(d time.Duration) string {
	if d < 0 {
		return "-" + fmtDur(-d)
	}
	return model.Duration(d).String()
}

// readable reports whether a path exists as a regular file.
func readable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
