package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/codevaldcortex/rulecheck/harness"
	"github.com/codevaldcortex/rulecheck/harness/fixture"
	"github.com/codevaldcortex/rulecheck/internal/rulefile"
)

// GitHub Actions workflow commands: a message escapes %, CR and LF; a
// property also : and ,.
var (
	ghMessage  = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// WriteGitHub writes each failure as a GitHub Actions error annotation at
// the fixture's file and line (a file that could not run at its own
// position), each warning as a warning annotation, and a summary line.
func WriteGitHub(w io.Writer, results []*harness.FileResult) error {
	var pass, fail int
	for _, fr := range results {
		for _, wn := range fr.Warnings {
			annotate(w, "warning", fr.Path, 0, "rulecheck", wn)
		}
		if fr.Err != nil {
			fail++
			file, line := errorPos(fr.Path, fr.Err)
			annotate(w, "error", file, line, "rulecheck: cannot run "+fr.Path, fr.Err.Error())
			continue
		}
		for _, t := range fr.Tests {
			switch {
			case t.Skipped:
				continue
			case t.Failed():
				fail++
				for _, f := range t.Failures {
					annotate(w, "error", fr.Path, f.Line, "rulecheck: "+t.Name, f.Message)
				}
			default:
				pass++
			}
		}
	}
	_, err := fmt.Fprintf(w, "%d test groups in %d files: %d passed, %d failed\n", pass+fail, len(results), pass, fail)
	return err
}

func annotate(w io.Writer, level, file string, line int, title, msg string) {
	props := "file=" + ghProperty.Replace(file)
	if line > 0 {
		props += fmt.Sprintf(",line=%d", line)
	}
	props += ",title=" + ghProperty.Replace(title)
	fmt.Fprintf(w, "::%s %s::%s\n", level, props, ghMessage.Replace(msg))
}

// errorPos is where a file-level error points: the fixture or rule file
// and line it names, else the fixture.
func errorPos(path string, err error) (string, int) {
	var fe *fixture.Error
	if errors.As(err, &fe) && fe.File != "" {
		return fe.File, fe.Line
	}
	var re *rulefile.Error
	if errors.As(err, &re) && re.File != "" {
		return re.File, re.Line
	}
	return path, 0
}
