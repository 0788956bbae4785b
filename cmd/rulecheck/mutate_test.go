package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMutateCommand(t *testing.T) {
	weak := "../../mutation/testdata/weak.yaml"
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"list", []string{"mutate", "--list"}, exitOK, []string{"threshold\n", "example: cpu > 0.9  ->  cpu > 0.8", "label-drop"}},
		{"weak for survives", []string{"mutate", "--catalog", "", "--operators", "for", weak}, exitOK, []string{
			"SURVIVED ../../mutation/testdata/rules.yaml:4 QueueBacklog [for]", "- for: 5m\n    + for: 2m30s",
			"hint: no test checks the alert between 2m30s and 5m after its condition starts: for could be 2m30s", "3 mutants: 0 killed, 3 survived: score 0.0%"}},
		{"min score", []string{"mutate", "--catalog", "", "--operators", "for", "--min-score", "50", weak}, exitFailed, []string{"score 0.0%"}},
		{"github", []string{"mutate", "--catalog", "", "--operators", "for", "--format", "github", weak}, exitOK, []string{"::warning file=../../mutation/testdata/rules.yaml,line=4,"}},
		{"sarif", []string{"mutate", "--catalog", "", "--operators", "for", "--format", "sarif", weak}, exitOK, []string{`"ruleId": "mutation/for"`, `"startLine": 4`}},
		{"unknown operator", []string{"mutate", "--operators", "fro", weak}, exitBadInput, []string{`unknown operator "fro"`}},
		{"bad shard", []string{"mutate", "--shard", "3/2", weak}, exitBadInput, []string{`--shard "3/2"`}},
		{"bad format", []string{"mutate", "--format", "xml", weak}, exitBadInput, []string{`--format "xml"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, &out, &errb)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
			for _, c := range tc.contains {
				assert.Contains(t, out.String()+errb.String(), c)
			}
		})
	}
}

// TestMutateJSONShards: the shards of a run together hold the mutants of
// the whole run, with the same verdicts.
func TestMutateJSONShards(t *testing.T) {
	strong := "../../mutation/testdata/strong.yaml"
	ids := func(args ...string) map[int]bool {
		var out, errb bytes.Buffer
		require.Equal(t, exitOK, run(append([]string{"mutate", "--catalog", "", "--format", "json"}, append(args, strong)...), &out, &errb), errb.String())
		var rep struct {
			Files []struct {
				Mutants []struct {
					ID     int  `json:"id"`
					Killed bool `json:"killed"`
				} `json:"mutants"`
			} `json:"files"`
		}
		require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
		got := map[int]bool{}
		for _, f := range rep.Files {
			for _, m := range f.Mutants {
				got[m.ID] = m.Killed
			}
		}
		return got
	}
	all := ids()
	merged := ids("--shard", "1/2")
	for id, k := range ids("--shard", "2/2") {
		assert.NotContains(t, merged, id)
		merged[id] = k
	}
	assert.Equal(t, all, merged)
}

// TestMutateMerge: --merge of the shards' JSON gives the unsharded report.
func TestMutateMerge(t *testing.T) {
	strong, weak := "../../mutation/testdata/strong.yaml", "../../mutation/testdata/one-alert.yaml"
	dir := t.TempDir()
	var whole, errb bytes.Buffer
	require.Equal(t, exitOK, run([]string{"mutate", "--catalog", "", strong, weak}, &whole, &errb), errb.String())
	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		var out bytes.Buffer
		require.Equal(t, exitOK, run([]string{"mutate", "--catalog", "", "--format", "json", "--shard", k, strong, weak}, &out, &errb), errb.String())
		p := filepath.Join(dir, strings.ReplaceAll(k, "/", "-")+".json")
		require.NoError(t, os.WriteFile(p, out.Bytes(), 0o600))
		shards = append(shards, p)
	}
	var merged bytes.Buffer
	require.Equal(t, exitOK, run(append([]string{"mutate", "--merge"}, shards...), &merged, &errb), errb.String())
	assert.Equal(t, whole.String(), merged.String())
	assert.Equal(t, exitFailed, run(append([]string{"mutate", "--merge", "--min-score", "99"}, shards...), &merged, &errb))
	assert.Equal(t, exitBadInput, run([]string{"mutate", "--merge", shards[0]}, &merged, &errb))
}
