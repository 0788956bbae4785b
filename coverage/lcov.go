package coverage

import (
	"bufio"
	"fmt"
	"io"
)

// WriteLCOV writes the report in LCOV's tracefile format: per rule file
// (SF) every line of every rule (DA; hit when the rule is covered), an
// alerting rule's fired and silent as the two branches of its first line
// (BRDA), and the totals (LF, LH, BRF, BRH).
func WriteLCOV(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "TN:rulecheck")
	for _, fl := range rep.fileLines() {
		fmt.Fprintf(bw, "SF:%s\n", fl.path)
		for i, r := range fl.rules {
			if r.Kind != Alert {
				continue
			}
			fmt.Fprintf(bw, "BRDA:%d,%d,0,%d\n", r.Line, i, b2i(r.Fired))
			fmt.Fprintf(bw, "BRDA:%d,%d,1,%d\n", r.Line, i, b2i(r.Silent))
		}
		lines, hit, branches, bhit := fl.counts()
		fmt.Fprintf(bw, "BRF:%d\nBRH:%d\n", branches, bhit)
		for _, r := range fl.rules {
			for l := r.Line; l <= r.EndLine; l++ {
				fmt.Fprintf(bw, "DA:%d,%d\n", l, b2i(r.Covered()))
			}
		}
		fmt.Fprintf(bw, "LF:%d\nLH:%d\nend_of_record\n", lines, hit)
	}
	return bw.Flush()
}
