package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/expected.txt from the current output")

// badCase is one hostile input: a file of testdata/bad, run as
// "rulecheck test ARGS... testdata/bad/FILE".
type badCase struct {
	file string
	args []string
	// exit is the expected exit code: 2 for bad input, 1 for a genuine
	// assertion failure, 0 for hostile but valid input.
	exit int
	// want is the message the output must contain, with file and line.
	want string
	// fast cases are refused before the work they ask for: what the run
	// allocates is bounded by the input, not by what it asks for (memory,
	// not time, so the check does not depend on the machine).
	fast bool
}

func (c badCase) name() string {
	return strings.Join(append(slices.Clone(c.args), c.file), " ")
}

func (c badCase) path() string { return "testdata/bad/" + c.file }

// badCases is the corpus's expectations; testdata/bad/expected.txt holds
// each case's complete output.
var badCases = []badCase{
	// YAML and its decoding.
	{file: "malformed-yaml.yaml", exit: 2, want: "testdata/bad/malformed-yaml.yaml:7: did not find expected key"},
	{file: "duplicate-keys.yaml", exit: 2, want: `testdata/bad/duplicate-keys.yaml:8: duplicate key "interval" in a tests entry`},
	{file: "wrong-type.yaml", exit: 2, want: "testdata/bad/wrong-type.yaml:6: expected a list, found a mapping"},
	{file: "unknown-field.yaml", exit: 2, want: `testdata/bad/unknown-field.yaml:11: unknown field "exp_alert" in an alert_rule_test entry`},
	{file: "unknown-field-rule.yaml", exit: 2, want: "testdata/bad/unknown-field-rule.rules.yaml:6: field owner not found in type rulefmt.Rule"},
	{file: "empty.yaml", exit: 2, want: "testdata/bad/empty.yaml: empty test file: expected rule_files and tests"},
	{file: "comments-only.yaml", exit: 2, want: "testdata/bad/comments-only.yaml: empty test file: expected rule_files and tests"},
	{file: "no-tests.yaml", exit: 0, want: "WARN  testdata/bad/no-tests.yaml: no test groups (tests: is empty or missing): nothing in this file is tested"},
	{file: "binary.yaml", exit: 2, want: "testdata/bad/binary.yaml:4:17: binary content (NUL byte), expected YAML text"},
	{file: "non-utf8.yaml", exit: 2, want: "testdata/bad/non-utf8.yaml:4: invalid UTF-8 (byte 0xe9 at column 15)"},
	{file: "deep-nesting.yaml", exit: 2, want: "testdata/bad/deep-nesting.yaml:5: YAML nested more than 200 levels deep", fast: true},
	{file: "billion-laughs.yaml", exit: 2, want: "testdata/bad/billion-laughs.yaml:4: YAML aliases expand to more than 5000000 nodes; refusing to expand the document", fast: true},
	{file: "deep-expression.yaml", exit: 2, want: `testdata/bad/deep-expression.rules.yaml:7:15: group "g", rule 1, "Deep": could not parse expression: 1:8003: parse error: more than 2000 operators, parentheses and brackets in one expression`, fast: true},
	{file: "billion-laughs-rule.yaml", exit: 2, want: "testdata/bad/billion-laughs.rules.yaml:2: YAML aliases expand to more than 5000000 nodes; refusing to expand the document", fast: true},
	{file: "rule-file-as-test.yaml", exit: 2, want: `testdata/bad/rule-file-as-test.yaml:2: this looks like a rule file (top-level "groups", no "tests"), not a test file`},
	{file: "crd-as-test.yaml", exit: 2, want: "testdata/bad/crd-as-test.yaml:3: this looks like a rule file (a Kubernetes resource, e.g. a PrometheusRule), not a test file"},

	// Rule files.
	{file: "rule-file-is-directory.yaml", exit: 2, want: "testdata/bad/rules.d: is a directory, expected a file"},
	// promtool only warns about a rule_files entry that matches nothing and
	// runs the tests without those rules; rulecheck gives the same verdict
	// and always prints the warning. --strict makes it an error.
	{file: "missing-rule-file.yaml", exit: 1, want: `WARN  testdata/bad/missing-rule-file.yaml:2: rule_files pattern "does-not-exist.rules.yaml" matches no file`},
	{file: "missing-rule-file.yaml", args: []string{"--strict"}, exit: 2, want: `testdata/bad/missing-rule-file.yaml:2: rule_files pattern "does-not-exist.rules.yaml" matches no file`},
	{file: "glob-no-match.yaml", exit: 0, want: `WARN  testdata/bad/glob-no-match.yaml:3: rule_files pattern "nothing-matches-*.rules.yaml" matches no file`},
	{file: "glob-no-match.yaml", args: []string{"--strict"}, exit: 2, want: `testdata/bad/glob-no-match.yaml:3: rule_files pattern "nothing-matches-*.rules.yaml" matches no file`},
	{file: "bad-promql.yaml", exit: 2, want: `testdata/bad/bad-promql.rules.yaml:5:15: group "broken", rule 1, "HighErrorRate": could not parse expression: 1:36: parse error: unclosed left parenthesis`},
	{file: "bad-template.yaml", exit: 2, want: `testdata/bad/bad-template.rules.yaml:4:9: group "templated", rule 1, "InstanceDown": annotation "summary": template: __alert_InstanceDown:1: unexpected "}" in operand`},
	{file: "template-range.yaml", exit: 2, want: "testdata/bad/template-range.rules.yaml:4:9: alert HugeLabel: the template of labels.big expands to more than 16MiB for one evaluation (--max-template-bytes)"},
	{file: "crd-wrong-kind.yaml", exit: 2, want: `testdata/bad/crd-wrong-kind.rules.yaml:2:7: kind "PrometheusRules" is not PrometheusRule`},
	// Two PrometheusRules share their groups through an alias: each is a
	// rule file of its own, so the repeated group name is no error.
	{file: "crd-alias.yaml", exit: 0, want: "ok    testdata/bad/crd-alias.yaml:4  unnamed#0"},
	{file: "crd-no-spec.yaml", exit: 2, want: "testdata/bad/crd-no-spec.rules.yaml:1:1: PrometheusRule monitoring/alerts has no spec"},

	// Durations and times.
	{file: "invalid-duration.yaml", exit: 2, want: `testdata/bad/invalid-duration.yaml:9: eval_time: unknown unit " minutes" in duration "3 minutes"`},
	{file: "negative-interval.yaml", exit: 2, want: `testdata/bad/negative-interval.yaml:4: interval: not a valid duration string: "-1m"`},
	{file: "negative-eval-time.yaml", exit: 2, want: `testdata/bad/negative-eval-time.yaml:9: eval_time: not a valid duration string: "-5m"`},
	{file: "huge-interval.yaml", exit: 2, want: `testdata/bad/huge-interval.yaml:4: interval "1000000000h": duration out of range`, fast: true},
	{file: "zero-interval.yaml", exit: 0, want: "ok    testdata/bad/zero-interval.yaml:8  unnamed#0"},
	{file: "eval-time-far-future.yaml", exit: 2, want: "testdata/bad/eval-time-far-future.yaml:9:\n        " + `test "unnamed#0" needs 6000001 evaluation steps (to 4166d16h every 1m), more than the limit of 1000000 (--max-steps)`, fast: true},
	{file: "duration-far-future-native.yaml", exit: 2, want: "testdata/bad/duration-far-future-native.yaml:5:\n        " + `test "forever" needs 6000001 rule group evaluations (to 4166d16h), more than the limit of 1000000 (--max-steps)`, fast: true},

	// Input series.
	{file: "bad-label-name.yaml", exit: 2, want: `testdata/bad/bad-label-name.yaml:8: test "unnamed#0": input_series[1]: bad series notation: unexpected character inside braces: '1'`},
	{file: "duplicate-series.yaml", exit: 0, want: "ok    testdata/bad/duplicate-series.yaml:4  unnamed#0"},
	{file: "duplicate-series.yaml", args: []string{"--strict"}, exit: 2, want: "testdata/bad/duplicate-series.yaml:8:\n        strict: series {__name__=\"up\", instance=\"a\"} is already defined at line 6; promtool keeps only the last definition"},
	{file: "nan-inf.yaml", exit: 0, want: "ok    testdata/bad/nan-inf.yaml:6  unnamed#0"},
	{file: "nan-expected.yaml", exit: 1, want: "testdata/bad/nan-expected.yaml:12:\n            expr: \"temperature\", time: 0s,\n                exp: {__name__=\"temperature\", sensor=\"a\"} NaN\n                got: {__name__=\"temperature\", sensor=\"a\"} NaN\n                note: an expected NaN never matches"},
	{file: "huge-value.yaml", exit: 2, want: `testdata/bad/huge-value.yaml:6: test "unnamed#0": input_series[0]: bad series notation: error parsing number: strconv.ParseFloat: parsing "1e400": value out of range`},
	{file: "histogram-buckets.yaml", exit: 2, want: `testdata/bad/histogram-buckets.yaml:8: test "unnamed#0": input_series[0] asks for about 4000220003 samples, more than the limit of 1000000 per series (--max-samples-per-series)`, fast: true},
	{file: "too-many-samples.yaml", exit: 2, want: `testdata/bad/too-many-samples.yaml:6: test "unnamed#0": input_series[0] asks for about 1000000003 samples, more than the limit of 1000000 per series (--max-samples-per-series)`, fast: true},

	// Messages.
	{file: "duplicate-key-rule.yaml", exit: 2, want: `testdata/bad/duplicate-key.rules.yaml:7: mapping key "expr" already defined at line 6`},
	{file: "control-chars-name.yaml", exit: 1, want: `FAIL  testdata/bad/control-chars-name.yaml:6  evil\n0 test groups in 0 files: 0 passed, 0 failed\x1b[2J\x1b[31m\u202e`},
	{file: "second-document.yaml", exit: 0, want: `WARN  testdata/bad/second-document.yaml:16: a second YAML document (after "---") is ignored, as promtool ignores it: its tests do not run`},

	// The command line.
	{file: "does-not-exist.yaml", exit: 2, want: "rulecheck: stat testdata/bad/does-not-exist.yaml: no such file or directory"},
	{file: "too-many-samples.yaml", args: []string{"--max-samples-per-series=-1"}, exit: 2, want: "rulecheck: --max-samples-per-series: must not be negative", fast: true},
	{file: "rules.d", exit: 2, want: "rulecheck: no test files found in testdata/bad/rules.d"},
}

// isolationArgs turns off project configuration that the corpus is not
// about: the metric catalog of ./.rulecheck.yaml, which would refuse the
// corpus's made-up metrics (when the CLI has the --catalog flag).
func isolationArgs() []string {
	var stdout, stderr bytes.Buffer
	run([]string{"test", "-h"}, &stdout, &stderr)
	if strings.Contains(stderr.String(), "-catalog") {
		return []string{"--catalog="}
	}
	return nil
}

// runCase runs one case in-process with a deadline, so that a hang fails the
// test instead of stalling it.
func runCase(t *testing.T, c badCase) (code int, stdout, stderr string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
		panicked       any
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		var r result
		defer func() {
			r.panicked = recover()
			r.stdout, r.stderr = out.String(), errOut.String()
			done <- r
		}()
		args := append(append([]string{"test"}, isolationArgs()...), c.args...)
		r.code = run(append(args, c.path()), &out, &errOut)
	}()
	select {
	case r := <-done:
		if r.panicked != nil {
			t.Fatalf("rulecheck test %s panicked: %v", c.name(), r.panicked)
		}
		return r.code, r.stdout, r.stderr
	case <-time.After(60 * time.Second):
		t.Fatalf("rulecheck test %s did not finish within 60s", c.name())
	}
	return
}

// goldenEntry renders a case's result as testdata/bad/expected.txt holds it.
func goldenEntry(c badCase, code int, stdout, stderr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=== rulecheck test %s\nexit %d\n", strings.Join(append(slices.Clone(c.args), c.path()), " "), code)
	b.WriteString(stdout)
	if stderr != "" {
		b.WriteString("--- stderr\n" + stderr)
	}
	return b.String()
}

const goldenHeader = `# The output of every case of cmd/rulecheck/bad_input_test.go: the command,
# its exit code, its standard output and, after "--- stderr", its standard
# error. Regenerate with: go test ./cmd/rulecheck -run TestBadInput -update
`

func readGolden(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	out := map[string]string{}
	for _, part := range strings.Split(string(b), "\n=== ")[1:] {
		entry := "=== " + part
		name, _, _ := strings.Cut(entry, "\n")
		out[name] = strings.TrimSuffix(entry, "\n") + "\n"
	}
	return out
}

// TestBadInput runs every hostile input of testdata/bad through the CLI and
// checks that each gives one clear message with its file and line and the
// right exit code, and never a panic or a hang.
func TestBadInput(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	const goldenPath = "testdata/bad/expected.txt"
	var golden map[string]string
	if !*update {
		golden = readGolden(t, goldenPath)
	}
	var all strings.Builder
	all.WriteString(goldenHeader)
	for _, c := range badCases {
		t.Run(c.name(), func(t *testing.T) {
			var before runtime.MemStats
			if c.fast {
				runtime.GC()
				runtime.ReadMemStats(&before)
			}
			code, stdout, stderr := runCase(t, c)
			out := stdout + stderr
			entry := goldenEntry(c, code, stdout, stderr)
			all.WriteString("\n" + entry)
			if code != c.exit {
				t.Errorf("exit code %d, want %d; output:\n%s", code, c.exit, out)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output does not contain\n%s\noutput:\n%s", c.want, out)
			}
			for _, bad := range []string{"panic", "goroutine ", "runtime error"} {
				if strings.Contains(out, bad) {
					t.Errorf("output mentions %q:\n%s", bad, out)
				}
			}
			if c.fast {
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
					t.Errorf("allocated %d MiB, want what the input takes, not what it asks for", alloc>>20)
				}
			}
			if golden != nil {
				name, _, _ := strings.Cut(entry, "\n")
				if want, ok := golden[name]; !ok {
					t.Errorf("%s has no entry for %q (run with -update)", goldenPath, name)
				} else if want != entry {
					t.Errorf("output differs from %s (run with -update if the change is intended)\n--- want\n%s--- got\n%s", goldenPath, want, entry)
				}
			}
		})
	}
	if *update {
		if err := os.WriteFile(goldenPath, []byte(all.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBadInputCorpusCovered makes sure every case file of testdata/bad has
// an entry in badCases, so a new case cannot be left unchecked.
func TestBadInputCorpusCovered(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "bad")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range badCases {
		listed[c.file] = true
	}
	used := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".rules.yaml") {
			continue
		}
		if !listed[name] {
			t.Errorf("testdata/bad/%s has no entry in badCases", name)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".rules.yaml") && bytes.Contains(b, []byte(e.Name())) {
				used[e.Name()] = true
			}
		}
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".rules.yaml") && !used[e.Name()] {
			t.Errorf("testdata/bad/%s is not used by any case", e.Name())
		}
	}
}
