package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const passingFixture = `rule_files:
  - rules.yaml
tests:
  - interval: 1m
    input_series:
      - series: 'up{instance="a"}'
        values: "1 1 0 0 0"
    alert_rule_test:
      - eval_time: 4m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: {instance: a}
`

const passingRules = `groups:
  - name: g
    rules:
      - alert: InstanceDown
        expr: up == 0
        for: 1m
`

// writeSuite writes a passing fixture and its rule file to a new folder.
func writeSuite(t *testing.T) (dir, fixture string) {
	t.Helper()
	dir = t.TempDir()
	fixture = filepath.Join(dir, "test.yaml")
	for name, content := range map[string]string{"test.yaml": passingFixture, "rules.yaml": passingRules} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, fixture
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestJUnitUnwritable: a --junit destination that cannot be written is bad
// usage, reported before any test runs (nothing is printed but the error),
// and leaves nothing behind.
func TestJUnitUnwritable(t *testing.T) {
	_, fixture := writeSuite(t)
	out := t.TempDir()
	if err := os.Mkdir(filepath.Join(out, "out.xml"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, dest := range map[string]string{
		"a directory":              filepath.Join(out, "out.xml"),
		"in a missing directory":   filepath.Join(out, "missing", "out.xml"),
		"below a file":             filepath.Join(fixture, "out.xml"),
		"an existing dir with end": out + string(filepath.Separator),
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"test", "--junit", dest, fixture}, &stdout, &stderr)
			if code != exitBadInput {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitBadInput, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("tests ran before the report destination was checked:\n%s", stdout.String())
			}
			if !strings.Contains(stderr.String(), "--junit") {
				t.Errorf("error does not name the flag:\n%s", stderr.String())
			}
			if got := listDir(t, out); !slices.Equal(got, []string{"out.xml"}) {
				t.Errorf("files left in %s: %v", out, got)
			}
		})
	}
}

// TestJUnitNoTemporaryFiles: a run writes its report into the named path;
// afterwards only the report is there, whether the tests passed or failed,
// and an existing report is overwritten.
func TestJUnitNoTemporaryFiles(t *testing.T) {
	dir, fixture := writeSuite(t)
	out := t.TempDir()
	dest := filepath.Join(out, "out.xml")
	if err := os.WriteFile(dest, []byte("old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		exit int
		edit func()
	}{
		{"passing", exitOK, func() {}},
		{"failing", exitFailed, func() {
			b := strings.Replace(passingFixture, "instance: a", "instance: b", 1)
			if err := os.WriteFile(fixture, []byte(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"bad input", exitBadInput, func() {
			if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), []byte("groups: [{name: g, rules: [{alert: A, expr: 'sum('}]}]"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		c.edit()
		var stdout, stderr bytes.Buffer
		code := run([]string{"test", "--junit", dest, fixture}, &stdout, &stderr)
		if code != c.exit {
			t.Errorf("%s: exit code %d, want %d; output:\n%s%s", c.name, code, c.exit, stdout.String(), stderr.String())
		}
		if got := listDir(t, out); !slices.Equal(got, []string{"out.xml"}) {
			t.Errorf("%s: files in the report's folder: %v, want only out.xml", c.name, got)
		}
		b, err := os.ReadFile(dest)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("<?xml")) || !bytes.Contains(b, []byte("</testsuites>")) {
			t.Errorf("%s: report is not complete JUnit XML:\n%s", c.name, b)
		}
	}
}

// hashTree returns the SHA-256 and mode of every file under the roots.
func hashTree(t *testing.T, roots ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if d.IsDir() {
				out[path] = "dir " + info.Mode().String()
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			out[path] = hex.EncodeToString(sum[:]) + " " + info.Mode().String() + " " + info.ModTime().String()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestRunDoesNotModifyInputs: running rulecheck over the project's
// fixtures and rules, the hostile-input corpus and a suite in a temporary
// folder, with every output option, changes no rule or test file and adds
// no file beside them.
func TestRunDoesNotModifyInputs(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	dir, fixture := writeSuite(t)
	roots := []string{"testdata", dir}
	for _, r := range []string{"fixtures", "rules"} {
		if _, err := os.Stat(r); err == nil {
			roots = append(roots, r)
		}
	}
	before := hashTree(t, roots...)
	report := filepath.Join(t.TempDir(), "out.xml")
	var bad []string
	for _, c := range badCases {
		if st, err := os.Stat(c.path()); err == nil && !st.IsDir() {
			bad = append(bad, c.path())
		}
	}
	slices.Sort(bad)
	bad = slices.Compact(bad)
	for _, args := range [][]string{
		{"test", fixture},
		{"test", "--strict", "--debug", "--timeline", "-v", "--junit", report, fixture},
		{"test", "--format", "json", dir},
		{"test", "--junit", report, "testdata/bad"},
		append([]string{"test", "--strict", "-v"}, bad...),
		{"test", "fixtures"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		t.Logf("rulecheck %s: exit %d", strings.Join(args, " "), code)
	}
	after := hashTree(t, roots...)
	for path, h := range before {
		if after[path] != h {
			t.Errorf("%s changed: %s -> %s", path, h, after[path])
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s was created", path)
		}
	}
}

// TestJUnitIntoTheNamedPath: the report is written into the path named, not
// renamed over it: a symbolic link stays a link and its target gets the
// report; a new report has mode 0644 (minus the umask); an output that is
// one of the inputs is refused before any test runs and left as it was.
func TestJUnitIntoTheNamedPath(t *testing.T) {
	dir, fixture := writeSuite(t)
	out := t.TempDir()
	target := filepath.Join(out, "target.xml")
	if err := os.WriteFile(target, []byte("old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(out, "link.xml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runArgs("test", "--catalog=", "--junit", link, fixture); code != exitOK {
		t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", st.Mode(), err)
	}
	if b, _ := os.ReadFile(target); !bytes.Contains(b, []byte("</testsuites>")) {
		t.Errorf("the link's target did not get the report:\n%s", b)
	}

	fresh := filepath.Join(out, "fresh.xml")
	if code, _, stderr := runArgs("test", "--catalog=", "--junit", fresh, fixture); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm()&0o644 != 0o644&^umask() {
		t.Errorf("mode %v, want 0644 minus the umask (%v)", st.Mode(), err)
	}

	for _, input := range []string{fixture, filepath.Join(dir, "rules.yaml")} {
		before, _ := os.ReadFile(input)
		code, stdout, stderr := runArgs("test", "--catalog=", "--junit", input, fixture)
		if code != exitBadInput {
			t.Errorf("--junit %s: exit %d, want %d", input, code, exitBadInput)
		}
		if !strings.Contains(stderr, "input") {
			t.Errorf("--junit %s: the refusal does not say why:\n%s", input, stderr)
		}
		if filepath.Base(input) == "test.yaml" && stdout != "" {
			t.Errorf("tests ran before the refusal:\n%s", stdout)
		}
		if after, _ := os.ReadFile(input); !bytes.Equal(before, after) {
			t.Errorf("%s was changed", input)
		}
	}
}
