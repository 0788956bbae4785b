package coverage

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText prints the coverage table: per rule file its rules, alerts
// fired and silent, recording rules read, and the share covered; then the
// uncovered rules with their file:line and what they lack.
func WriteText(w io.Writer, rep *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rule file\trules\tfired\tsilent\tread\tcovered")
	for _, s := range append(rep.ByFile(), rep.Total()) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d (%.1f%%)\n", s.File, s.Rules,
			ratio(s.Fired, s.Alerts), ratio(s.Silent, s.Alerts), ratio(s.Read, s.Records), s.Covered, s.Percent())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	un := rep.Uncovered()
	if len(un) == 0 {
		_, err := fmt.Fprintln(w, "every rule is covered (alerts fired and silent, recording rules read)")
		return err
	}
	fmt.Fprintf(w, "uncovered (%d):\n", len(un))
	for _, r := range un {
		if _, err := fmt.Fprintf(w, "  %s:%d: %s %s: %s\n", r.File, r.Line, r.Kind, r.Name, r.Missing()); err != nil {
			return err
		}
	}
	return nil
}

func ratio(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", n, of)
}
