package mutation

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// ReadReport reads a report written with format json.
func ReadReport(r io.Reader) (*Report, error) {
	var rep Report
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		return nil, err
	}
	return &rep, nil
}

// Merge combines the reports of the shards of one run (--shard K/N for
// every K) into the report of the unsharded run: same files, same mutants
// in the same order. A missing or repeated shard, or a mutant in two
// reports, is an error.
func Merge(reps []*Report) (*Report, error) {
	if len(reps) == 0 {
		return nil, fmt.Errorf("no reports to merge")
	}
	n := max(reps[0].Shard.Of, 1)
	seen := map[int]bool{}
	for _, r := range reps {
		if max(r.Shard.Of, 1) != n || seen[r.Shard.K] {
			return nil, fmt.Errorf("reports are not the %d distinct shards of one run", n)
		}
		seen[r.Shard.K] = true
	}
	if len(seen) != n {
		return nil, fmt.Errorf("%d of %d shards given: the merged report would miss mutants", len(seen), n)
	}
	out := &Report{}
	idx := map[string]int{}
	ids := map[int]bool{}
	for _, r := range reps {
		for _, f := range r.Files {
			i, ok := idx[f.Path]
			if !ok {
				i = len(out.Files)
				idx[f.Path] = i
				out.Files = append(out.Files, FileReport{Path: f.Path, Mutants: []Result{}})
			}
			for _, m := range f.Mutants {
				if ids[m.ID] {
					return nil, fmt.Errorf("mutant %d is in two reports", m.ID)
				}
				ids[m.ID] = true
				out.Files[i].Mutants = append(out.Files[i].Mutants, m)
			}
		}
	}
	for i := range out.Files {
		slices.SortFunc(out.Files[i].Mutants, func(a, b Result) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, nil
}
