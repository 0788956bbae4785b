package coverage

import (
	"encoding/json"
	"io"
)

type jsonRule struct {
	File                string   `json:"file"`
	Line                int      `json:"line"`
	Group               string   `json:"group"`
	Name                string   `json:"name"`
	Kind                Kind     `json:"kind"`
	For                 string   `json:"for,omitempty"`
	Fired               *bool    `json:"fired,omitempty"`
	Silent              *bool    `json:"silent,omitempty"`
	ForBoundary         *bool    `json:"for_boundary,omitempty"`
	LabelsAsserted      *bool    `json:"labels_asserted,omitempty"`
	AnnotationsAsserted *bool    `json:"annotations_asserted,omitempty"`
	Covered             bool     `json:"covered"`
	Missing             string   `json:"missing,omitempty"`
	ReadBy              []string `json:"read_by"`
}

type jsonSummary struct {
	File    string  `json:"file"`
	Rules   int     `json:"rules"`
	Alerts  int     `json:"alerts"`
	Fired   int     `json:"fired"`
	Silent  int     `json:"silent"`
	Records int     `json:"records"`
	Read    int     `json:"read"`
	Covered int     `json:"covered"`
	Percent float64 `json:"percent"`
}

// WriteJSON writes the report as JSON: per rule its file, line, group,
// name, kind, fired, silent, for_boundary (alerts with a for), whether
// labels and annotations were asserted, covered, and read_by (test
// file:line of each assertion that read it); per file and in total the
// counts.
func WriteJSON(w io.Writer, rep *Report) error {
	out := struct {
		Rules []jsonRule    `json:"rules"`
		Files []jsonSummary `json:"files"`
		Total jsonSummary   `json:"total"`
	}{Rules: []jsonRule{}, Files: []jsonSummary{}}
	for _, r := range rep.Rules {
		jr := jsonRule{File: r.File, Line: r.Line, Group: r.Group, Name: r.Name, Kind: r.Kind, Covered: r.Covered(), Missing: r.Missing(), ReadBy: []string{}}
		if r.Kind == Alert {
			jr.Fired, jr.Silent = &r.Fired, &r.Silent
			jr.LabelsAsserted, jr.AnnotationsAsserted = &r.LabelsAsserted, &r.AnnotationsAsserted
			if r.For > 0 {
				jr.For = r.For.String()
				jr.ForBoundary = &r.ForBoundary
			}
		}
		for _, p := range r.ReadBy {
			jr.ReadBy = append(jr.ReadBy, p.String())
		}
		out.Rules = append(out.Rules, jr)
	}
	for _, s := range rep.ByFile() {
		out.Files = append(out.Files, summaryJSON(s))
	}
	out.Total = summaryJSON(rep.Total())
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func summaryJSON(s Summary) jsonSummary {
	return jsonSummary{File: s.File, Rules: s.Rules, Alerts: s.Alerts, Fired: s.Fired, Silent: s.Silent, Records: s.Records, Read: s.Read, Covered: s.Covered, Percent: s.Percent()}
}
