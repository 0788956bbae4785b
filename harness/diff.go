package harness

import (
	"fmt"
	"strings"
)

// maxDiffCells bounds the table of the line diff (its rows times columns,
// after the common head and tail are set aside): 16M cells of 4 bytes. Two
// lists too long for it are printed in full, one after the other, with a
// note, so --diff never needs more memory than its input times a constant.
const maxDiffCells = 16 << 20

// lineDiff renders the difference between two lists of lines as a unified
// diff body: unchanged lines with "  ", removed (expected only) with "- ",
// added (actual only) with "+ ". It is what --diff prints instead of the
// two full lists.
func lineDiff(exp, got []string) string {
	var b strings.Builder
	head := 0
	for head < len(exp) && head < len(got) && exp[head] == got[head] {
		b.WriteString("  " + exp[head] + "\n")
		head++
	}
	tail := 0
	for tail < len(exp)-head && tail < len(got)-head && exp[len(exp)-1-tail] == got[len(got)-1-tail] {
		tail++
	}
	midExp, midGot := exp[head:len(exp)-tail], got[head:len(got)-tail]
	if int64(len(midExp))*int64(len(midGot)) > maxDiffCells {
		fmt.Fprintf(&b, "  (%d expected and %d actual lines differ: too many for a line diff, printed in full)\n", len(midExp), len(midGot))
		for _, l := range midExp {
			b.WriteString("- " + l + "\n")
		}
		for _, l := range midGot {
			b.WriteString("+ " + l + "\n")
		}
	} else {
		lcsDiff(&b, midExp, midGot)
	}
	for _, l := range exp[len(exp)-tail:] {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// lcsDiff writes the diff of exp and got by their longest common
// subsequence, in a table of len(exp)+1 by len(got)+1 counts.
func lcsDiff(b *strings.Builder, exp, got []string) {
	n, m := len(exp), len(got)
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	at := func(i, j int) int32 { return lcs[i*w+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if exp[i] == got[j] {
				lcs[i*w+j] = at(i+1, j+1) + 1
			} else {
				lcs[i*w+j] = max(at(i+1, j), at(i, j+1))
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && exp[i] == got[j]:
			b.WriteString("  " + exp[i] + "\n")
			i, j = i+1, j+1
		case i < n && (j == m || at(i+1, j) >= at(i, j+1)):
			b.WriteString("- " + exp[i] + "\n")
			i++
		default:
			b.WriteString("+ " + got[j] + "\n")
			j++
		}
	}
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
