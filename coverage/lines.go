package coverage

import (
	"path/filepath"
	"strings"
)

// fileLines are a rule file's rule lines for line-based formats: every
// line of a rule counts as hit when the rule is covered; an alerting rule's
// first line carries two branches, fired and silent.
type fileLines struct {
	path  string
	rules []*Rule
}

func (rep *Report) fileLines() []fileLines {
	idx := map[string]int{}
	out := make([]fileLines, len(rep.Files))
	for i, f := range rep.Files {
		idx[f] = i
		out[i].path = filepath.ToSlash(f)
	}
	for _, r := range rep.Rules {
		fl := &out[idx[r.File]]
		fl.rules = append(fl.rules, r)
	}
	return out
}

// counts returns the lines and branches found and hit.
func (fl fileLines) counts() (lines, linesHit, branches, branchesHit int) {
	for _, r := range fl.rules {
		n := r.EndLine - r.Line + 1
		lines += n
		if r.Covered() {
			linesHit += n
		}
		if r.Kind == Alert {
			branches += 2
			branchesHit += b2i(r.Fired) + b2i(r.Silent)
		}
	}
	return
}

// rate is n/of, 1 when there is nothing to hit.
func rate(n, of int) float64 {
	if of == 0 {
		return 1
	}
	return float64(n) / float64(of)
}

// packageName is the directory of a rule file, dotted as Cobertura names
// packages.
func packageName(path string) string {
	d := filepath.ToSlash(filepath.Dir(path))
	if d == "." {
		return "."
	}
	return strings.ReplaceAll(strings.Trim(d, "/"), "/", ".")
}
