package mutation

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats are the report formats Write takes.
var Formats = []string{"text", "json", "sarif", "github"}

// Write writes the report in format (one of Formats).
func Write(w io.Writer, format string, rep *Report) error {
	switch format {
	case "text":
		return writeText(w, rep)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "sarif":
		return writeSARIF(w, rep)
	case "github":
		return writeGitHub(w, rep)
	}
	return fmt.Errorf("unknown format %q (expected %s)", format, strings.Join(Formats, ", "))
}

// Diff shows the changed field as a two-line diff.
func (m Mutant) Diff() string {
	label := ""
	if m.Field != "expr" && m.Field != "labels" {
		label = m.Field + ": "
	}
	return "- " + label + m.Before + "\n+ " + label + m.After
}

func writeText(w io.Writer, rep *Report) error {
	total, killed := 0, 0
	for _, f := range rep.Files {
		k := f.Killed()
		total += len(f.Mutants)
		killed += k
		fmt.Fprintf(w, "%s: %d mutants, %d killed, %d survived: score %.1f%%\n", f.Path, len(f.Mutants), k, len(f.Mutants)-k, f.Score())
		for _, m := range f.Mutants {
			if m.Killed {
				continue
			}
			fmt.Fprintf(w, "  SURVIVED %s:%d %s [%s]\n", m.File, m.Line, m.Rule, m.Operator)
			for _, l := range strings.Split(m.Diff(), "\n") {
				fmt.Fprintf(w, "    %s\n", l)
			}
			fmt.Fprintf(w, "    hint: %s\n", m.Hint)
		}
	}
	shard := ""
	if rep.Shard.Of > 1 {
		shard = fmt.Sprintf(" (shard %d/%d)", rep.Shard.K, rep.Shard.Of)
	}
	_, err := fmt.Fprintf(w, "%d mutants%s: %d killed, %d survived: score %.1f%%\n", total, shard, killed, total-killed, rep.Score())
	return err
}

var (
	ghMessage  = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func writeGitHub(w io.Writer, rep *Report) error {
	for _, m := range rep.Survivors() {
		fmt.Fprintf(w, "::warning file=%s,line=%d,title=%s::%s\n", ghProperty.Replace(m.File), m.Line,
			ghProperty.Replace("rulecheck mutate: "+m.Rule+" ["+m.Operator+"] survived"), ghMessage.Replace(m.Diff()+"\n"+m.Hint))
	}
	_, err := fmt.Fprintf(w, "mutation score %.1f%%: %d survivors\n", rep.Score(), len(rep.Survivors()))
	return err
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string    `json:"id"`
	ShortDescription sarifText `json:"shortDescription"`
	FullDescription  sarifText `json:"fullDescription"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine int `json:"startLine"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

func writeSARIF(w io.Writer, rep *Report) error {
	rules := []sarifRule{}
	for _, op := range operators {
		rules = append(rules, sarifRule{ID: "mutation/" + op.Name, ShortDescription: sarifText{"a " + op.Name + " mutant survives"}, FullDescription: sarifText{op.Doc}})
	}
	results := []sarifResult{}
	for _, m := range rep.Survivors() {
		var loc sarifLocation
		loc.PhysicalLocation.ArtifactLocation.URI = strings.ReplaceAll(m.File, "\\", "/")
		loc.PhysicalLocation.Region.StartLine = max(m.Line, 1)
		results = append(results, sarifResult{
			RuleID: "mutation/" + m.Operator, Level: "warning",
			Message:   sarifText{fmt.Sprintf("%s: a mutant survives the tests\n%s\n%s", m.Rule, m.Diff(), m.Hint)},
			Locations: []sarifLocation{loc},
		})
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "rulecheck-mutate", "informationUri": "https://github.com/codevaldcortex/rulecheck", "rules": rules}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteOperators lists the operators with their documentation and example
// (rulecheck mutate --list).
func WriteOperators(w io.Writer) error {
	for _, op := range operators {
		if _, err := fmt.Fprintf(w, "%s\n  %s\n  example: %s  ->  %s\n", op.Name, op.Doc, op.Example[0], op.Example[1]); err != nil {
			return err
		}
	}
	return nil
}
