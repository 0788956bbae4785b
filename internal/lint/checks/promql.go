package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// matcherOffset finds the offset of a label matcher inside a selector's
// text, or the selector's start.
func matcherOffset(e *lint.Expr, vs *parser.VectorSelector, m *labels.Matcher) int {
	pr := vs.PositionRange()
	start, end := int(pr.Start), int(pr.End)
	if end > len(e.Query) || start > end {
		return start
	}
	re := regexp.MustCompile(`(?:^|[{,\s])(` + regexp.QuoteMeta(m.Name) + `)\s*(?:=~|!~|!=|=)`)
	if loc := re.FindStringSubmatchIndex(e.Query[start:end]); loc != nil {
		return start + loc[2]
	}
	return start
}

var groupingRE = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(`)

// groupingOffset finds the offset of a label inside the by (...),
// without (...), on (...) or group_x (...) clause of a node, or the node's
// start.
func groupingOffset(e *lint.Expr, n parser.Node, label string) int {
	pr := n.PositionRange()
	start, end := int(pr.Start), min(int(pr.End), len(e.Query))
	if start >= end {
		return start
	}
	text := e.Query[start:end]
	for _, loc := range groupingRE.FindAllStringIndex(text, -1) {
		close := strings.IndexByte(text[loc[1]:], ')')
		if close < 0 {
			continue
		}
		inner := text[loc[1] : loc[1]+close]
		re := regexp.MustCompile(`(?:^|[\s,])(` + regexp.QuoteMeta(label) + `)(?:$|[\s,])`)
		if m := re.FindStringSubmatchIndex(inner); m != nil {
			return start + loc[1] + m[2]
		}
	}
	return start
}

// counterKind tells whether a selector selects a counter, and how the
// check knows.
func counterKind(s lint.Selector) (bool, string) {
	if s.Known {
		switch s.Series.Kind {
		case catalog.KindCounter:
			if s.Series.Suffix != "" {
				return true, fmt.Sprintf("the %s counter of %s %s", s.Series.Suffix, s.Series.Metric.Type, s.Series.Metric.Name)
			}
			return true, "a counter in the catalog"
		case catalog.KindBucket:
			return true, fmt.Sprintf("the bucket counter of histogram %s", s.Series.Metric.Name)
		}
		return false, ""
	}
	if len(s.RecordedBy) == 0 && strings.HasSuffix(s.Name, "_total") {
		return true, "a counter by its _total suffix (the catalog does not know it)"
	}
	return false, ""
}

// describe names where a metric is defined, for messages.
func describe(m *catalog.Metric) string {
	switch {
	case m == nil:
		return ""
	case m.Assumed:
		return " (assumed)"
	case m.Source != "":
		return ", defined in " + m.Source
	}
	return ""
}

// levenshtein is the edit distance of two strings.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
