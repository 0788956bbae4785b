// Package exprpos finds things in a linted PromQL expression: where a
// label matcher or a grouping label is written in its text, and what
// number a node is compared with. It is not a check: checks use it to
// position and word their findings.
package exprpos

import (
	"iter"
	"regexp"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// MatcherOffset finds the offset of a label matcher inside a selector's
// text, or the selector's start.
func MatcherOffset(e *lint.Expr, vs *parser.VectorSelector, m *labels.Matcher) int {
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

// GroupingOffset finds the offset of a label inside the by (...),
// without (...), on (...) or group_x (...) clause of a node, or the node's
// start.
func GroupingOffset(e *lint.Expr, n parser.Node, label string) int {
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

// Threshold finds the number a node is compared with, given its ancestors
// innermost first:
// the nearest enclosing non-bool comparison whose other side is a number.
// above is true for > and >= with the node on the left (or < and <= with
// it on the right).
func Threshold(node parser.Node, ancestors iter.Seq[parser.Node]) (value float64, above, ok bool) {
	child := node
	for anc := range ancestors {
		switch n := anc.(type) {
		case *parser.ParenExpr, *parser.StepInvariantExpr:
		case *parser.BinaryExpr:
			if !n.Op.IsComparisonOperator() || n.ReturnBool {
				return 0, false, false
			}
			left := n.LHS == child
			other := n.RHS
			if !left {
				other = n.LHS
			}
			num, isNum := lint.Unparen(other).(*parser.NumberLiteral)
			if !isNum {
				return 0, false, false
			}
			switch n.Op {
			case parser.GTR, parser.GTE:
				return num.Val, left, true
			case parser.LSS, parser.LTE:
				return num.Val, !left, true
			}
			return 0, false, false
		default:
			return 0, false, false
		}
		child = anc
	}
	return 0, false, false
}
