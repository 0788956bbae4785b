package coverage

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
)

// Cobertura's XML, as its coverage-04 DTD has it.
type cobCoverage struct {
	XMLName         xml.Name    `xml:"coverage"`
	LineRate        string      `xml:"line-rate,attr"`
	BranchRate      string      `xml:"branch-rate,attr"`
	LinesCovered    int         `xml:"lines-covered,attr"`
	LinesValid      int         `xml:"lines-valid,attr"`
	BranchesCovered int         `xml:"branches-covered,attr"`
	BranchesValid   int         `xml:"branches-valid,attr"`
	Complexity      string      `xml:"complexity,attr"`
	Version         string      `xml:"version,attr"`
	Timestamp       int64       `xml:"timestamp,attr"`
	Sources         []string    `xml:"sources>source"`
	Packages        cobPackages `xml:"packages"`
}

type cobPackages struct {
	Packages []cobPackage `xml:"package"`
}

type cobPackage struct {
	Name       string     `xml:"name,attr"`
	LineRate   string     `xml:"line-rate,attr"`
	BranchRate string     `xml:"branch-rate,attr"`
	Complexity string     `xml:"complexity,attr"`
	Classes    cobClasses `xml:"classes"`
}

type cobClasses struct {
	Classes []cobClass `xml:"class"`
}

type cobClass struct {
	Name       string     `xml:"name,attr"`
	Filename   string     `xml:"filename,attr"`
	LineRate   string     `xml:"line-rate,attr"`
	BranchRate string     `xml:"branch-rate,attr"`
	Complexity string     `xml:"complexity,attr"`
	Methods    cobMethods `xml:"methods"`
	Lines      cobLines   `xml:"lines"`
}

type cobMethods struct {
	Methods []cobMethod `xml:"method"`
}

type cobMethod struct {
	Name       string   `xml:"name,attr"`
	Signature  string   `xml:"signature,attr"`
	LineRate   string   `xml:"line-rate,attr"`
	BranchRate string   `xml:"branch-rate,attr"`
	Complexity string   `xml:"complexity,attr"`
	Lines      cobLines `xml:"lines"`
}

type cobLines struct {
	Lines []cobLine `xml:"line"`
}

type cobLine struct {
	Number            int             `xml:"number,attr"`
	Hits              int             `xml:"hits,attr"`
	Branch            string          `xml:"branch,attr"`
	ConditionCoverage string          `xml:"condition-coverage,attr,omitempty"`
	Conditions        []cobConditions `xml:"conditions,omitempty"`
}

type cobConditions struct {
	Conditions []cobCondition `xml:"condition"`
}

type cobCondition struct {
	Number   int    `xml:"number,attr"`
	Type     string `xml:"type,attr"`
	Coverage string `xml:"coverage,attr"`
}

const cobDoctype = `<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">`

// WriteCobertura writes the report as Cobertura XML: a package per rule
// directory, a class per rule file, a method per rule, its lines hit when
// it is covered; an alerting rule's first line has two conditions, fired
// and silent. timestamp is the report's time (seconds since the epoch).
func WriteCobertura(w io.Writer, rep *Report, timestamp int64) error {
	doc := cobCoverage{Complexity: "0", Version: "rulecheck", Timestamp: timestamp, Sources: []string{"."}}
	byPkg := map[string]int{}
	var sums [][4]int
	var lines, hit, branches, bhit int
	for _, fl := range rep.fileLines() {
		l, h, b, bh := fl.counts()
		lines, hit, branches, bhit = lines+l, hit+h, branches+b, bhit+bh
		pn := packageName(fl.path)
		i, ok := byPkg[pn]
		if !ok {
			i = len(doc.Packages.Packages)
			byPkg[pn] = i
			doc.Packages.Packages = append(doc.Packages.Packages, cobPackage{Name: pn, Complexity: "0"})
			sums = append(sums, [4]int{})
		}
		sums[i] = [4]int{sums[i][0] + l, sums[i][1] + h, sums[i][2] + b, sums[i][3] + bh}
		pkg := &doc.Packages.Packages[i]
		pkg.Classes.Classes = append(pkg.Classes.Classes, fl.class(l, h, b, bh))
	}
	for i, sum := range sums {
		pkg := &doc.Packages.Packages[i]
		pkg.LineRate, pkg.BranchRate = rateAttr(sum[1], sum[0]), rateAttr(sum[3], sum[2])
	}
	doc.LineRate, doc.BranchRate = rateAttr(hit, lines), rateAttr(bhit, branches)
	doc.LinesCovered, doc.LinesValid, doc.BranchesCovered, doc.BranchesValid = hit, lines, bhit, branches
	if _, err := io.WriteString(w, xml.Header+cobDoctype+"\n"); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (fl fileLines) class(l, h, b, bh int) cobClass {
	c := cobClass{Name: filepath.Base(fl.path), Filename: fl.path, LineRate: rateAttr(h, l), BranchRate: rateAttr(bh, b), Complexity: "0"}
	for _, r := range fl.rules {
		m := cobMethod{Name: r.Name, Signature: string(r.Kind), Complexity: "0", LineRate: rateAttr(b2i(r.Covered()), 1), BranchRate: rateAttr(0, 0)}
		for n := r.Line; n <= r.EndLine; n++ {
			ln := cobLine{Number: n, Hits: b2i(r.Covered()), Branch: "false"}
			if n == r.Line && r.Kind == Alert {
				got := b2i(r.Fired) + b2i(r.Silent)
				cov := strconv.Itoa(got*50) + "%"
				ln.Branch, ln.ConditionCoverage = "true", fmt.Sprintf("%s (%d/2)", cov, got)
				ln.Conditions = []cobConditions{{Conditions: []cobCondition{{Number: 0, Type: "jump", Coverage: cov}}}}
				m.BranchRate = rateAttr(got, 2)
			}
			m.Lines.Lines = append(m.Lines.Lines, ln)
		}
		c.Methods.Methods = append(c.Methods.Methods, m)
		c.Lines.Lines = append(c.Lines.Lines, m.Lines.Lines...)
	}
	return c
}

func rateAttr(n, of int) string {
	return strconv.FormatFloat(rate(n, of), 'f', 4, 64)
}
