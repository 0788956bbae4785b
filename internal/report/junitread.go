package report

import (
	"encoding/xml"
	"fmt"
)

// SuiteVerdicts is one testsuite of a JUnit report: pass or fail per
// testcase name, and every testcase in the order the report lists them
// (names may repeat: two test groups can have the same name).
type SuiteVerdicts struct {
	Name  string
	Cases map[string]string
	Order []CaseVerdict
}

// CaseVerdict is one testcase's verdict, "pass" or "fail".
type CaseVerdict struct {
	Name, Verdict string
}

// ReadJUnit reads the verdicts of a JUnit XML report, as promtool and
// rulecheck write it: a testcase with a failure or error element fails.
func ReadJUnit(b []byte) ([]SuiteVerdicts, error) {
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name     string   `xml:"name,attr"`
				Failures []string `xml:"failure"`
				Error    *string  `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("reading JUnit report: %w", err)
	}
	out := make([]SuiteVerdicts, len(doc.Suites))
	for i, s := range doc.Suites {
		out[i] = SuiteVerdicts{Name: s.Name, Cases: map[string]string{}}
		for _, c := range s.Cases {
			v := "pass"
			if len(c.Failures) > 0 || c.Error != nil {
				v = "fail"
			}
			out[i].Cases[c.Name] = v
			out[i].Order = append(out[i].Order, CaseVerdict{c.Name, v})
		}
	}
	return out, nil
}
