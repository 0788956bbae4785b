package harness

import (
	"fmt"
	"strings"
)

// TestingT is the part of *testing.T that RequirePass needs.
type TestingT[T any] interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Run(name string, f func(T)) bool
}

// RequirePass reports a fixture file's result in a Go test: one subtest per
// test group, named after the group, failing with the fixture's file:line
// and the expected and actual timelines.
//
//	func TestAlerts(t *testing.T) {
//		harness.RequirePass(t, harness.NewRunner(harness.Options{}).RunFile("fixtures/agent-down.yaml"))
//	}
func RequirePass[T TestingT[T]](t T, fr *FileResult) {
	t.Helper()
	if fr.Err != nil {
		t.Fatalf("%v", fr.Err)
		return
	}
	// The verdict is the command's: a warning is shown, and fails only
	// where the command fails (--strict turns them into failures there
	// and here).
	for _, w := range fr.Warnings {
		t.Logf("warning: %s", w)
	}
	for _, tr := range fr.Tests {
		if tr.Skipped {
			continue
		}
		t.Run(subtestName(tr.Name), func(t T) {
			t.Helper()
			for _, f := range tr.Failures {
				t.Errorf("%s", failureText(fr.Path, f))
			}
		})
	}
}

// failureText names the fixture file and line once: a message that starts
// with the file's name already says where it is.
func failureText(path string, f Failure) string {
	if strings.HasPrefix(f.Message, path+":") {
		return f.Message
	}
	return fmt.Sprintf("%s:%d: %s", path, f.Line, f.Message)
}

// subtestName keeps test group names readable as Go subtest names.
func subtestName(name string) string {
	return strings.NewReplacer("/", "_", " ", "_").Replace(name)
}

// FormatResult renders a file result as the CLI's text output does, for
// logging from Go tests.
func FormatResult(fr *FileResult) string {
	var b strings.Builder
	if fr.Err != nil {
		return fr.Err.Error()
	}
	for _, tr := range fr.Tests {
		status := "ok  "
		if tr.Failed() {
			status = "FAIL"
		}
		fmt.Fprintf(&b, "%s %s:%d %s\n", status, fr.Path, tr.Line, tr.Name)
		for _, f := range tr.Failures {
			fmt.Fprintf(&b, "  %s:%d: %s\n", fr.Path, f.Line, f.Message)
		}
	}
	return b.String()
}
