package coverage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
	"github.com/codevaldcortex/rulecheck/internal/promqlparser"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

// FindRuleFiles expands directories into the rule files under them (plain
// rule files and PrometheusRule resources; other YAML, such as a metric
// catalog, is passed over). Named files are kept as they are.
func FindRuleFiles(paths []string) ([]string, error) {
	files, explicit, err := lint.FindFiles(paths)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if explicit[f] {
			out = append(out, f)
			continue
		}
		if strings.HasSuffix(strings.ToLower(f), ".json") {
			continue
		}
		lf, err := lint.LoadFile(f, lint.LoadOptions{})
		if errors.Is(err, lint.ErrNotLintable) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if lf.Kind == lint.RuleFile || lf.Kind == lint.PrometheusRuleFile {
			out = append(out, f)
		}
	}
	return out, nil
}

// ruleFile is a loaded rule file: its rules and, per rule, what it reads.
type ruleFile struct {
	rules []*Rule
	// reads are, per rule, the parsed expressions it runs: its own and
	// its template queries.
	reads map[*Rule][]parser.Expr
}

// loadRuleFile loads a rule file and lists its rules with their lines.
func loadRuleFile(path string, opts rulefile.Options) (*ruleFile, error) {
	f, err := rulefile.Load(path, opts)
	if err != nil {
		return nil, err
	}
	p := opts.Parser
	if p == nil {
		p = promqlparser.New(parser.Options{})
	}
	content, _ := os.ReadFile(path)
	lines := strings.Split(string(content), "\n")
	rf := &ruleFile{reads: map[*Rule][]parser.Expr{}}
	var starts []int
	for _, g := range f.Groups {
		starts = append(starts, g.Pos.Line)
		for i, r := range g.Rules {
			cr := &Rule{File: path, Resource: g.Resource, Group: g.Name, Index: i, Name: r.Record, Kind: Record}
			if r.Alert != "" {
				cr.Name, cr.Kind, cr.For = r.Alert, Alert, time.Duration(r.For)
			}
			if i < len(g.RulePos) {
				cr.Line = g.RulePos[i].Line
			}
			rf.rules = append(rf.rules, cr)
			starts = append(starts, cr.Line)
			if e, err := p.ParseExpr(r.Expr); err == nil {
				rf.reads[cr] = append(rf.reads[cr], e)
			}
			for _, q := range templateQueries(r.Labels, r.Annotations) {
				if e, err := p.ParseExpr(q); err == nil {
					rf.reads[cr] = append(rf.reads[cr], e)
				}
			}
		}
	}
	setEndLines(rf.rules, starts, lines)
	return rf, nil
}

// setEndLines sets each rule's last line: the line before the next rule
// or group (starts) or the end of the file, without trailing blank,
// comment and document separator lines.
func setEndLines(rs []*Rule, starts []int, lines []string) {
	for _, r := range rs {
		end := len(lines)
		for _, s := range starts {
			if s > r.Line && s-1 < end {
				end = s - 1
			}
		}
		for end > r.Line {
			t := strings.TrimSpace(lines[end-1])
			if t != "" && !strings.HasPrefix(t, "#") && t != "---" {
				break
			}
			end--
		}
		r.EndLine = max(end, r.Line)
	}
}

// key identifies a file however it was named.
func key(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}
