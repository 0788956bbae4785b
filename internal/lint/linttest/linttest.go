// Package linttest runs lint checks over testdata files and compares the
// findings with expectations written in the files, as
// golang.org/x/tools/go/analysis/analysistest does for Go analyzers.
//
// An expectation is a YAML comment on the line the finding is reported at:
//
//	expr: rate(cpu_seconds[5m]) > 1  # want "promql/rate-on-gauge"
//	expr: x > 0  # want: promql/raw-counter "never resolves" catalog/unknown-metric
//
// Each item is a check ID, quoted or not, optionally followed by a quoted
// regular expression the message must match (a Go string, a `raw string`,
// or a double-quoted string that is not valid Go, taken as written). "# want+N" and "# want-N"
// expect the findings N lines below or above the comment, for lines that
// cannot carry a comment (the inside of a block scalar). JSON files, which
// have no comments, take expectations from a sidecar file with the ".want"
// suffix, one "LINE: items" per line.
//
// Every finding must be expected and every expectation met.
package linttest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// Expectation is one expected finding.
type Expectation struct {
	File  string
	Line  int
	Check string
	Msg   *regexp.Regexp
	met   bool
}

func (e *Expectation) String() string {
	s := fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Check)
	if e.Msg != nil {
		s += fmt.Sprintf(" %q", e.Msg)
	}
	return s
}

var (
	wantRE  = regexp.MustCompile(`#\s*want([+-]\d+)?:?\s(.*)$`)
	idLike  = regexp.MustCompile(`^[a-z]+/[a-z0-9-]+$`)
	tokenRE = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`|\\S+")
)

// ParseWant parses the items of one want comment.
func ParseWant(file string, line int, spec string) ([]*Expectation, error) {
	var out []*Expectation
	var pending *Expectation
	for _, tok := range tokenRE.FindAllString(spec, -1) {
		quoted := tok[0] == '"' || tok[0] == '`'
		val := tok
		if quoted {
			var err error
			if tok[0] == '`' {
				val = tok[1 : len(tok)-1]
			} else if val, err = strconv.Unquote(tok); err != nil {
				// Not a valid Go string, e.g. "\(" written as "\(" for a
				// regexp: take it as written.
				val = tok[1 : len(tok)-1]
			}
		}
		if quoted && pending != nil && pending.Msg == nil && !idLike.MatchString(val) {
			re, err := regexp.Compile(val)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: bad want regexp %s: %v", file, line, tok, err)
			}
			pending.Msg = re
			continue
		}
		if !idLike.MatchString(val) {
			return nil, fmt.Errorf("%s:%d: want item %s is not a check ID", file, line, tok)
		}
		pending = &Expectation{File: file, Line: line, Check: val}
		out = append(out, pending)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s:%d: want without a check ID", file, line)
	}
	return out, nil
}

// Expectations reads the want comments of a file (or its .want sidecar).
func Expectations(path string) ([]*Expectation, error) {
	var out []*Expectation
	if strings.HasSuffix(path, ".json") {
		b, err := os.ReadFile(path + ".want")
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for i, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			num, spec, ok := strings.Cut(l, ":")
			n, err := strconv.Atoi(strings.TrimSpace(num))
			if !ok || err != nil {
				return nil, fmt.Errorf("%s.want:%d: expected LINE: items", path, i+1)
			}
			es, err := ParseWant(path, n, spec)
			if err != nil {
				return nil, err
			}
			out = append(out, es...)
		}
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := wantRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		line := n
		if m[1] != "" {
			d, _ := strconv.Atoi(m[1])
			line += d
		}
		es, err := ParseWant(path, line, m[2])
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	return out, sc.Err()
}

// Compare matches findings with expectations and returns the problems.
func Compare(findings []lint.Finding, want []*Expectation) []string {
	var problems []string
	for _, f := range findings {
		found := false
		for _, w := range want {
			if !w.met && w.File == f.File && w.Line == f.Line && w.Check == f.Check && (w.Msg == nil || w.Msg.MatchString(f.Message)) {
				w.met, found = true, true
				break
			}
		}
		if !found {
			problems = append(problems, "unexpected finding "+f.String())
		}
	}
	for _, w := range want {
		if !w.met {
			problems = append(problems, "no finding for want "+w.String())
		}
	}
	return problems
}

// Setup is what Run uses for one test directory.
type Setup struct {
	Checks  []*lint.Check
	Config  *lint.Config
	Catalog *catalog.Catalog
}

// LoadSetup finds the configuration and catalog of a test directory: its
// own .rulecheck.yaml and metrics.yaml, else the ones of its ancestors up
// to root. The checks run are check plus those the configuration sets to a
// severity other than off.
func LoadSetup(dir, root string, check *lint.Check, all []*lint.Check) (*Setup, error) {
	s := &Setup{Checks: []*lint.Check{check}, Config: lint.DefaultConfig()}
	if p := findUp(dir, root, lint.DefaultConfigFile); p != "" {
		c, err := lint.LoadConfig(p)
		if err != nil {
			return nil, err
		}
		s.Config = c
		for id, sev := range c.Checks {
			if id == check.ID || sev == "off" {
				continue
			}
			for _, ch := range all {
				if ch.ID == id {
					s.Checks = append(s.Checks, ch)
				}
			}
		}
	}
	if p := findUp(dir, root, "metrics.yaml"); p != "" {
		c, err := catalog.Load(p)
		if err != nil {
			return nil, err
		}
		s.Catalog = c
	}
	return s, nil
}

func findUp(dir, root, name string) string {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if d == root || d == "." || d == "/" || !strings.HasPrefix(d, root) {
			return ""
		}
	}
}

// Run lints each directory under dir (dir included) with a check and
// compares the findings with the want comments of the files in it. Each
// directory is linted on its own, with its own or its nearest ancestor's
// .rulecheck.yaml and metrics.yaml.
func Run(t *testing.T, dir, root string, check *lint.Check, all []*lint.Check) []lint.Finding {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var findings []lint.Finding
	for _, d := range dirs {
		files := lintable(t, d)
		if len(files) == 0 {
			continue
		}
		findings = append(findings, runDir(t, d, root, files, check, all)...)
	}
	return findings
}

func lintable(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || n == "metrics.yaml" || n == lint.DefaultConfigFile {
			continue
		}
		switch filepath.Ext(n) {
		case ".yaml", ".yml", ".json":
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out
}

func runDir(t *testing.T, dir, root string, files []string, check *lint.Check, all []*lint.Check) []lint.Finding {
	t.Helper()
	setup, err := LoadSetup(dir, root, check, all)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(files, lint.Options{Checks: setup.Checks, Config: setup.Config, Catalog: setup.Catalog})
	if err != nil {
		t.Fatal(err)
	}
	var want []*Expectation
	for _, f := range res.Files {
		es, err := Expectations(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, es...)
	}
	for _, p := range Compare(res.Findings, want) {
		t.Error(p)
	}
	return res.Findings
}
