package harness

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/prometheus/model/labels"
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

// maxShownString is the length above which a differing value is shown
// only from a little before where it first differs.
const maxShownString = 60

// alertDifferences names, for each expected alert that has no equal among
// the actual ones, paired in order with an actual alert that has no equal
// among the expected ones, the labels and annotations that differ, as
// `label severity: "critical" => "warning"`. Long values are shown from a
// little before where they first differ, as promtool shows them.
func alertDifferences(exp, got labelsAndAnnotations) []string {
	var onlyExp, onlyGot labelsAndAnnotations
	for _, e := range exp {
		if !containsAlert(got, e) {
			onlyExp = append(onlyExp, e)
		}
	}
	for _, g := range got {
		if !containsAlert(exp, g) {
			onlyGot = append(onlyGot, g)
		}
	}
	var out []string
	for i := range min(len(onlyExp), len(onlyGot)) {
		out = append(out, setDifferences("label", onlyExp[i].Labels, onlyGot[i].Labels)...)
		out = append(out, setDifferences("annotation", onlyExp[i].Annotations, onlyGot[i].Annotations)...)
	}
	return out
}

func containsAlert(list labelsAndAnnotations, a labelAndAnnotation) bool {
	for _, x := range list {
		if labels.Equal(x.Labels, a.Labels) && labels.Equal(x.Annotations, a.Annotations) {
			return true
		}
	}
	return false
}

// setDifferences lists the names whose values differ between two label
// sets, "(none)" standing for a missing one.
func setDifferences(kind string, exp, got labels.Labels) []string {
	var out []string
	show := func(ls labels.Labels, name string) (string, bool) {
		if !ls.Has(name) {
			return "(none)", false
		}
		return ls.Get(name), true
	}
	names := map[string]bool{}
	exp.Range(func(l labels.Label) { names[l.Name] = true })
	got.Range(func(l labels.Label) { names[l.Name] = true })
	for _, name := range slices.Sorted(maps.Keys(names)) {
		e, eok := show(exp, name)
		g, gok := show(got, name)
		if e == g && eok == gok {
			continue
		}
		if eok && gok {
			e, g = firstDifference(e, g)
		} else {
			e, g = quoteIf(e, eok), quoteIf(g, gok)
		}
		out = append(out, fmt.Sprintf("%s %s: %s => %s", kind, name, e, g))
	}
	return out
}

func quoteIf(s string, ok bool) string {
	if ok {
		return strconv.Quote(s)
	}
	return s
}

// firstDifference quotes two differing strings; when either is long, both
// are cut to start a few characters before where they first differ.
func firstDifference(a, b string) (string, string) {
	if len(a) <= maxShownString && len(b) <= maxShownString {
		return strconv.Quote(a), strconv.Quote(b)
	}
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	from := max(0, p-10)
	for from > 0 && !utf8.RuneStart(a[from]) {
		from--
	}
	if from == 0 {
		return strconv.Quote(a), strconv.Quote(b)
	}
	return `"...` + strconv.Quote(a[from:])[1:], `"...` + strconv.Quote(b[from:])[1:]
}
