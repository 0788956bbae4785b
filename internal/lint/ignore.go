package lint

import (
	"regexp"
	"strings"
)

// ignore is a rulecheck:ignore or rulecheck:ignore-file comment.
type ignore struct {
	Line, Column int
	File         bool // ignore-file
	Check        string
	Reason       string
	Rule         *Rule
	used         bool
}

var ignoreRE = regexp.MustCompile(`(^|\s)#\s*rulecheck:(ignore-file|ignore)\b(.*)$`)

// wantRE strips a test expectation that follows on the same comment.
var wantRE = regexp.MustCompile(`\s*#\s*want\b.*$`)

// parseIgnores finds the file's ignore comments and attaches each
// rulecheck:ignore to the rule it is written on or above.
func (f *File) parseIgnores() {
	if f.Kind == DashboardFile {
		return
	}
	for l := 1; l <= f.Src.NumLines(); l++ {
		line := f.Src.Line(l)
		m := ignoreRE.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		rest := wantRE.ReplaceAllString(line[m[6]:m[7]], "")
		fields := strings.Fields(rest)
		// Group 1 is the blank before the '#', if any.
		ig := &ignore{Line: l, Column: len([]rune(line[:m[3]])) + 1, File: line[m[4]:m[5]] == "ignore-file"}
		if len(fields) > 0 {
			ig.Check = fields[0]
			ig.Reason = strings.TrimSpace(strings.Join(fields[1:], " "))
		}
		f.ignores = append(f.ignores, ig)
	}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			for _, ig := range f.ignores {
				if ig.File || ig.Rule != nil {
					continue
				}
				if ig.Line == r.Pos.Line || ig.Line == r.NamePos.Line || f.commentBlockAbove(ig.Line, r.Pos.Line) {
					ig.Rule = r
					r.Ignores = append(r.Ignores, ig)
				}
			}
		}
	}
}

// commentBlockAbove tells whether line is a comment line in the block of
// comment lines directly above line target.
func (f *File) commentBlockAbove(line, target int) bool {
	if line >= target {
		return false
	}
	for l := target - 1; l >= line; l-- {
		if !strings.HasPrefix(strings.TrimSpace(f.Src.Line(l)), "#") {
			return false
		}
	}
	return true
}
