package harness

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/codevaldcortex/rulecheck/harness/fixture"
)

// Episode is one stretch of time an alert instance was active: from the
// evaluation that made it pending to the one that resolved it.
type Episode struct {
	Alert string
	// Labels are the alert's labels without alertname.
	Labels labels.Labels
	// Pending is when it became active; Firing when it started firing
	// (nil if it never did); Resolved when it stopped being active (nil if
	// it still was at the end of the replay). All relative to the start.
	Pending  time.Duration
	Firing   *time.Duration
	Resolved *time.Duration
	// Annotations as rendered when it started firing, or when it became
	// pending if it never fired.
	Annotations labels.Labels
	// Group is the rule group that produced it.
	Group string
}

func (e Episode) key() string { return e.Alert + e.Labels.String() }

// String prints the episode on one line, in fixture terms.
func (e Episode) String() string {
	var b strings.Builder
	b.WriteString(e.Alert + e.Labels.String())
	fmt.Fprintf(&b, " pending %s", fixture.FormatDuration(e.Pending))
	if e.Firing != nil {
		fmt.Fprintf(&b, " firing %s", fixture.FormatDuration(*e.Firing))
	}
	if e.Resolved != nil {
		fmt.Fprintf(&b, " resolved %s", fixture.FormatDuration(*e.Resolved))
	} else {
		b.WriteString(" (still active)")
	}
	return b.String()
}

func sortEpisodes(eps []Episode) {
	slices.SortStableFunc(eps, func(a, b Episode) int {
		if a.Alert != b.Alert {
			return strings.Compare(a.Alert, b.Alert)
		}
		if c := labels.Compare(a.Labels, b.Labels); c != 0 {
			return c
		}
		return int(a.Pending - b.Pending)
	})
}

// expectedEpisode turns a timeline entry into the episode it describes.
func expectedEpisode(te TimelineEntry) Episode {
	ep := Episode{Alert: te.Alert, Labels: labels.FromMap(te.Labels), Firing: te.Firing, Resolved: te.Resolved}
	if te.Pending != nil {
		ep.Pending = *te.Pending
	} else {
		ep.Pending = *te.Firing
	}
	if te.Annotations != nil {
		ep.Annotations = labels.FromMap(te.Annotations)
	}
	return ep
}

// timelineProblem is one difference between the expected and the actual
// timeline, at the line of the timeline entry it is about (0 for an
// episode no entry lists).
type timelineProblem struct {
	Line int
	Msg  string
}

func (p timelineProblem) String() string {
	if p.Line == 0 {
		return p.Msg
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
}

// compareTimeline checks the actual episodes against the expected timeline.
// Entries and episodes are matched by alert, labels and order of time. With
// strict set, an episode of an alert instance the timeline does not list is
// a failure too ("and nothing else fires").
func compareTimeline(exp []TimelineEntry, got []Episode, strict bool) []timelineProblem {
	expBy := map[string][]TimelineEntry{}
	for _, te := range exp {
		k := expectedEpisode(te).key()
		expBy[k] = append(expBy[k], te)
	}
	gotBy := map[string][]Episode{}
	for _, ep := range got {
		gotBy[ep.key()] = append(gotBy[ep.key()], ep)
	}
	var problems []timelineProblem
	keys := slices.Sorted(maps.Keys(expBy))
	for _, k := range keys {
		tes := expBy[k]
		slices.SortStableFunc(tes, func(a, b TimelineEntry) int { return int(expectedEpisode(a).Pending - expectedEpisode(b).Pending) })
		eps := gotBy[k]
		for i, te := range tes {
			want := expectedEpisode(te)
			if i >= len(eps) {
				msg := fmt.Sprintf("expected %s, but it never became active", want)
				if near := nearestUnlisted(want, got, expBy); near != nil {
					msg += fmt.Sprintf("; %s%s did, with %s", near.Alert, near.Labels, labelDiff(want.Labels, near.Labels))
				}
				problems = append(problems, timelineProblem{te.Line, msg})
				continue
			}
			if msg := diffEpisode(te, eps[i]); msg != "" {
				problems = append(problems, timelineProblem{te.Line, msg})
			}
		}
		for _, ep := range eps[min(len(tes), len(eps)):] {
			problems = append(problems, timelineProblem{Msg: fmt.Sprintf("unexpected episode: %s", ep)})
		}
	}
	if strict {
		for _, ep := range got {
			if _, listed := expBy[ep.key()]; !listed {
				problems = append(problems, timelineProblem{Msg: fmt.Sprintf("not in the timeline: %s", ep)})
			}
		}
	}
	return problems
}

// nearestUnlisted returns the episode of the same alert, with labels no
// timeline entry lists, whose labels differ least from want's; nil when
// there is none.
func nearestUnlisted(want Episode, got []Episode, listed map[string][]TimelineEntry) *Episode {
	var best *Episode
	bestDiff := 0
	for i, ep := range got {
		if ep.Alert != want.Alert {
			continue
		}
		if _, ok := listed[ep.key()]; ok {
			continue
		}
		if d := len(labelChanges(want.Labels, ep.Labels)); best == nil || d < bestDiff {
			best, bestDiff = &got[i], d
		}
	}
	return best
}

// labelChanges lists, label by label, how got differs from want.
func labelChanges(want, got labels.Labels) []string {
	var out []string
	want.Range(func(l labels.Label) {
		switch v := got.Get(l.Name); {
		case !got.Has(l.Name):
			out = append(out, fmt.Sprintf("no label %s (expected %q)", l.Name, l.Value))
		case v != l.Value:
			out = append(out, fmt.Sprintf("label %s %q (expected %q)", l.Name, v, l.Value))
		}
	})
	got.Range(func(l labels.Label) {
		if !want.Has(l.Name) {
			out = append(out, fmt.Sprintf("label %s %q (not expected)", l.Name, l.Value))
		}
	})
	return out
}

// labelDiff says which labels differ.
func labelDiff(want, got labels.Labels) string {
	return strings.Join(labelChanges(want, got), ", ")
}

func durEq(a, b *time.Duration) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func diffEpisode(te TimelineEntry, got Episode) string {
	want := expectedEpisode(te)
	var diffs []string
	if te.Pending != nil && *te.Pending != got.Pending {
		diffs = append(diffs, fmt.Sprintf("pending at %s, expected %s", fixture.FormatDuration(got.Pending), fixture.FormatDuration(*te.Pending)))
	}
	if !durEq(te.Firing, got.Firing) {
		diffs = append(diffs, fmt.Sprintf("firing %s, expected %s", optDur(got.Firing, "never"), optDur(te.Firing, "never")))
	}
	if !durEq(te.Resolved, got.Resolved) {
		diffs = append(diffs, fmt.Sprintf("resolved %s, expected %s", optDur(got.Resolved, "never"), optDur(te.Resolved, "never")))
	}
	if te.Annotations != nil && !labels.Equal(want.Annotations, got.Annotations) {
		diffs = append(diffs, fmt.Sprintf("annotations %s, expected %s", got.Annotations, want.Annotations))
	}
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s%s: %s", te.Alert, want.Labels, strings.Join(diffs, "; "))
}

func optDur(d *time.Duration, none string) string {
	if d == nil {
		return none
	}
	return "at " + fixture.FormatDuration(*d)
}

// sideBySide prints the expected and actual timelines in two columns.
func sideBySide(exp []TimelineEntry, got []Episode) string {
	left := []string{"expected"}
	expEps := make([]Episode, len(exp))
	for i, te := range exp {
		expEps[i] = expectedEpisode(te)
	}
	sortEpisodes(expEps)
	for _, e := range expEps {
		left = append(left, e.String())
	}
	if len(exp) == 0 {
		left = append(left, "(nothing fires)")
	}
	right := []string{"actual"}
	for _, e := range got {
		right = append(right, e.String())
	}
	if len(got) == 0 {
		right = append(right, "(nothing fired)")
	}
	width := 0
	for _, l := range left {
		width = max(width, len(l))
	}
	var b strings.Builder
	if width > 60 {
		// Too wide for two columns: one block under the other.
		for _, block := range [][]string{left, right} {
			b.WriteString(block[0] + ":\n")
			for _, l := range block[1:] {
				b.WriteString("  " + l + "\n")
			}
		}
		return b.String()
	}
	for i := range max(len(left), len(right)) {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		mark := "|"
		if i > 0 && l != r {
			mark = "≠"
		}
		fmt.Fprintf(&b, "%-*s %s %s\n", width, l, mark, r)
	}
	return b.String()
}
