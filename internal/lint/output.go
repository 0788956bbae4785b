package lint

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
	"io"
	"sort"
	"strings"
)

// Formats are the output formats Write knows.
var Formats = []string{"text", "json", "junit", "github", "sarif", "checkstyle"}

// OutputOptions say how findings are written.
type OutputOptions struct {
	// Color uses ANSI colours in text output.
	Color bool
	// FailOn is the least severity that fails the run: findings below it
	// are written but do not count as failures (JUnit).
	FailOn Severity
	// Version is rulecheck's version, for SARIF.
	Version string
}

// Write writes a result in one of Formats.
func Write(w io.Writer, format string, res *Result, opts OutputOptions) error {
	if opts.FailOn == 0 {
		opts.FailOn = Error
	}
	switch format {
	case "text", "":
		return writeText(w, res, opts)
	case "json":
		return writeJSON(w, res)
	case "junit":
		return writeJUnit(w, res, opts)
	case "github":
		return writeGitHub(w, res)
	case "sarif":
		return writeSARIF(w, res, opts)
	case "checkstyle":
		return writeCheckstyle(w, res)
	}
	return fmt.Errorf("unknown format %q: expected one of %s", format, strings.Join(Formats, ", "))
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

func sevColor(s Severity) string {
	switch s {
	case Error:
		return ansiRed
	case Warning:
		return ansiYellow
	}
	return ansiCyan
}

// writeText writes one line per finding, "file:line:col: severity check:
// message", a blank line between files, and a summary.
func writeText(w io.Writer, res *Result, opts OutputOptions) error {
	c := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	prev := ""
	files := map[string]bool{}
	for _, f := range res.Findings {
		if prev != "" && f.File != prev {
			fmt.Fprintln(w)
		}
		prev = f.File
		files[f.File] = true
		// One line per finding: a path or message from the input cannot
		// forge another finding or reach the terminal as an escape.
		loc := fmt.Sprintf("%s:%d:%d", textsafe.Escape(f.File), f.Line, f.Column)
		fmt.Fprintf(w, "%s: %s %s: %s\n", c(ansiBold, loc), c(sevColor(f.Severity), f.Severity.String()), c(ansiDim, f.Check), textsafe.Escape(f.Message))
	}
	if len(res.Findings) > 0 {
		fmt.Fprintln(w)
	}
	n := Count(res.Findings)
	if len(res.Findings) == 0 {
		_, err := fmt.Fprintf(w, "no findings in %d %s\n", len(res.Files), Plural(len(res.Files), "file"))
		return err
	}
	_, err := fmt.Fprintf(w, "%d %s, %d %s, %d %s in %d of %d %s\n",
		n[Error], Plural(n[Error], "error"), n[Warning], Plural(n[Warning], "warning"), n[Info], Plural(n[Info], "info"),
		len(files), len(res.Files), Plural(len(res.Files), "file"))
	return err
}

// Plural returns s with an "s" unless n is 1, for counts in messages.
func Plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

type jsonReport struct {
	Files    []string       `json:"files"`
	Findings []Finding      `json:"findings"`
	Counts   map[string]int `json:"counts"`
}

func writeJSON(w io.Writer, res *Result) error {
	r := jsonReport{Files: []string{}, Findings: res.Findings, Counts: map[string]int{}}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, f := range res.Files {
		r.Files = append(r.Files, f.Path)
	}
	for s, n := range Count(res.Findings) {
		r.Counts[s.String()] = n
	}
	for _, s := range []Severity{Error, Warning, Info} {
		r.Counts[s.String()] += 0
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// GitHub Actions workflow commands.
func writeGitHub(w io.Writer, res *Result) error {
	esc := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	for _, f := range res.Findings {
		cmd := "notice"
		switch f.Severity {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		// Control characters are escaped first (textsafe keeps newlines,
		// which the workflow command encodes).
		if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", cmd, prop.Replace(textsafe.Escape(f.File)), f.Line, f.Column, prop.Replace(f.Check), esc.Replace(textsafe.EscapeText(f.Message))); err != nil {
			return err
		}
	}
	return nil
}

type checkstyleXML struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

func writeCheckstyle(w io.Writer, res *Result) error {
	doc := checkstyleXML{Version: "4.3"}
	idx := map[string]int{}
	for _, f := range res.Files {
		idx[f.Path] = len(doc.Files)
		doc.Files = append(doc.Files, checkstyleFile{Name: f.Path})
	}
	for _, f := range res.Findings {
		i, ok := idx[f.File]
		if !ok {
			idx[f.File] = len(doc.Files)
			i = len(doc.Files)
			doc.Files = append(doc.Files, checkstyleFile{Name: f.File})
		}
		doc.Files[i].Errors = append(doc.Files[i].Errors, checkstyleError{Line: f.Line, Column: f.Column, Severity: f.Severity.String(), Message: f.Message, Source: "rulecheck." + f.Check})
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// JUnit XML as Jenkins and GitLab read it: a testsuite per file, a
// testcase per finding (a failure when at or above --fail-on), a passing
// testcase for a file without findings.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func writeJUnit(w io.Writer, res *Result, opts OutputOptions) error {
	doc := junitSuites{Name: "rulecheck lint"}
	byFile := map[string][]Finding{}
	var paths []string
	for _, f := range res.Files {
		paths = append(paths, f.Path)
	}
	for _, f := range res.Findings {
		if _, ok := byFile[f.File]; !ok && !containsString(paths, f.File) {
			paths = append(paths, f.File)
		}
		byFile[f.File] = append(byFile[f.File], f)
	}
	sort.Strings(paths)
	for _, p := range paths {
		s := junitSuite{Name: p, Time: "0"}
		for _, f := range byFile[p] {
			c := junitCase{Name: fmt.Sprintf("%s at %d:%d", f.Check, f.Line, f.Column), Classname: p, File: p, Line: f.Line, Time: "0"}
			if f.Severity >= opts.FailOn {
				c.Failure = &junitFailure{Message: f.Message, Type: f.Severity.String(), Text: f.String()}
				s.Failures++
			} else {
				c.SystemOut = f.String()
			}
			s.Cases = append(s.Cases, c)
		}
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{Name: "lint", Classname: p, File: p, Time: "0"})
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Suites = append(doc.Suites, s)
	}
	return writeXML(w, doc)
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// SARIF 2.1.0.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	ShortDescription     sarifText     `json:"shortDescription"`
	FullDescription      sarifText     `json:"fullDescription"`
	Help                 sarifText     `json:"help"`
	DefaultConfiguration sarifRuleConf `json:"defaultConfiguration"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// SARIFSchema is the schema URI written in SARIF output.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, res *Result, opts OutputOptions) error {
	driver := sarifDriver{Name: "rulecheck", Version: opts.Version, InformationURI: "https://github.com/codevaldcortex/rulecheck", Rules: []sarifRule{}}
	index := map[string]int{}
	for _, c := range res.Checks {
		index[c.ID] = len(driver.Rules)
		doc := strings.Join(strings.Fields(c.Doc), " ")
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   c.ID,
			Name:                 sarifName(c.ID),
			ShortDescription:     sarifText{c.Summary()},
			FullDescription:      sarifText{doc},
			Help:                 sarifText{doc},
			DefaultConfiguration: sarifRuleConf{Level: sarifLevel(c.Severity)},
		})
	}
	// Columns count characters, as the YAML parser does.
	run := sarifRun{Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: []sarifResult{}}
	for _, f := range res.Findings {
		i, ok := index[f.Check]
		if !ok {
			i = -1
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:    f.Check,
			RuleIndex: i,
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: strings.ReplaceAll(f.File, "\\", "/")},
				Region:           sarifRegion{StartLine: max(f.Line, 1), StartColumn: f.Column},
			}}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifName turns promql/rate-on-gauge into PromqlRateOnGauge.
func sarifName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == '-' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
