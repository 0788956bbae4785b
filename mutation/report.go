package mutation

// Result is one mutant and its fate.
type Result struct {
	// ID numbers the mutant among all mutants of the run (before
	// sharding), in report order.
	ID int `json:"id"`
	// File and Line are where the mutated rule is written.
	File  string `json:"file"`
	Line  int    `json:"line"`
	Group string `json:"group"`
	// Rule is the alert or record name.
	Rule string `json:"rule"`
	Mutant
	// Killed is set when some test failed on the mutant. KilledBy names
	// the failed test groups (fixture:line name) of the first fixture
	// that failed, not all the tests that would fail: fixtures run one
	// after the other (those naming the rule first) and the run stops
	// there. With Config.AllKillers (--all-killers) every fixture runs
	// and KilledBy names every failed test group.
	Killed   bool     `json:"killed"`
	KilledBy []string `json:"killed_by,omitempty"`
	// TestGroups counts the test groups run on the mutant; Replayed, those
	// whose verdict the mutant could change, which were replayed (the
	// others keep their verdict: see harness.Runner.WithRule).
	TestGroups int `json:"test_groups"`
	Replayed   int `json:"replayed"`
}

// Report is the outcome of a mutation run.
type Report struct {
	// Files are the rule files, in the order the fixtures load them.
	Files []FileReport `json:"files"`
	// Shard is the part of the mutants the report covers (zero: all).
	Shard Shard `json:"shard"`
}

// FileReport is the mutants of one rule file.
type FileReport struct {
	Path    string   `json:"path"`
	Mutants []Result `json:"mutants"`
}

// Killed counts the killed mutants.
func (f FileReport) Killed() int {
	n := 0
	for _, m := range f.Mutants {
		if m.Killed {
			n++
		}
	}
	return n
}

// Score is the percentage of mutants killed (100 with no mutants).
func (f FileReport) Score() float64 { return score(f.Killed(), len(f.Mutants)) }

// Score is the percentage of all mutants killed (100 with no mutants).
func (r *Report) Score() float64 {
	k, n := 0, 0
	for _, f := range r.Files {
		k += f.Killed()
		n += len(f.Mutants)
	}
	return score(k, n)
}

// Survivors are the mutants no test killed, in report order.
func (r *Report) Survivors() []Result {
	var out []Result
	for _, f := range r.Files {
		for _, m := range f.Mutants {
			if !m.Killed {
				out = append(out, m)
			}
		}
	}
	return out
}

// RuleScore is the score of the mutants of the named rule, and how many
// there are.
func (r *Report) RuleScore(name string) (pct float64, mutants int) {
	k := 0
	for _, f := range r.Files {
		for _, m := range f.Mutants {
			if m.Rule == name {
				mutants++
				if m.Killed {
					k++
				}
			}
		}
	}
	return score(k, mutants), mutants
}

func score(killed, n int) float64 {
	if n == 0 {
		return 100
	}
	return 100 * float64(killed) / float64(n)
}

func newReport(files []string, jobs []*job, shard Shard) *Report {
	rep := &Report{Shard: shard}
	idx := map[string]int{}
	for _, f := range files {
		idx[f] = len(rep.Files)
		rep.Files = append(rep.Files, FileReport{Path: f, Mutants: []Result{}})
	}
	for _, j := range jobs {
		fr := &rep.Files[idx[j.File]]
		fr.Mutants = append(fr.Mutants, j.Result)
	}
	return rep
}
