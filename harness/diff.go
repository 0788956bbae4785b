package harness

import "strings"

// lineDiff renders the difference between two lists of lines as a unified
// diff body: unchanged lines with "  ", removed (expected only) with "- ",
// added (actual only) with "+ ". It is what --diff prints instead of the
// two full lists.
func lineDiff(exp, got []string) string {
	// Longest common subsequence, by dynamic programming: lists here are a
	// few alerts or samples long.
	n, m := len(exp), len(got)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if exp[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && exp[i] == got[j]:
			b.WriteString("  " + exp[i] + "\n")
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			b.WriteString("- " + exp[i] + "\n")
			i++
		default:
			b.WriteString("+ " + got[j] + "\n")
			j++
		}
	}
	return b.String()
}

func (la labelsAndAnnotations) lines() []string {
	out := make([]string, len(la))
	for i := range la {
		out[i] = la[i].Labels.String() + " " + la[i].Annotations.String()
	}
	return out
}

func samplesLines(ps []parsedSample) []string {
	out := make([]string, len(ps))
	for i := range ps {
		out[i] = ps[i].String()
	}
	return out
}
