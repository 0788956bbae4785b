package demodata

import (
	"sort"
	"time"
)

// The manager's workflows: each starts every hour (at its own minute),
// runs a few minutes and ends; a start that falls while the previous
// execution still runs is skipped.
var workflowIDs = []string{"wf-ingest-orders", "wf-nightly-report", "wf-sync-agents"}

const (
	// failing[i] fails one execution in incident workflow-failed-(i+1).
	failing1 = 0
	failing2 = 1
	// longWorkflow runs 95m in incident long-running-workflow.
	longWorkflow = 2
)

type run struct {
	workflow   string
	start, end time.Time
	failed     bool
	incident   string
}

// runs holds every workflow's executions in order of start.
type runs map[string][]run

func workflowRuns(o Options) runs {
	end := o.End()
	out := runs{}
	marks := map[int]map[string]time.Time{
		failing1:     {"workflow-failed-1": first(o, "workflow-failed-1")},
		failing2:     {"workflow-failed-2": first(o, "workflow-failed-2")},
		longWorkflow: {"long-running-workflow": first(o, "long-running-workflow")},
	}
	for k, id := range workflowIDs {
		var busyUntil time.Time
		offset := 7*time.Minute + time.Duration(k)*17*time.Minute
		for n := 0; ; n++ {
			start := o.Start.Add(offset + time.Duration(n)*time.Hour)
			if !start.Before(end) {
				break
			}
			if start.Before(busyUntil) {
				continue
			}
			r := run{workflow: id, start: start}
			length := 4*time.Minute + time.Duration(noise(o.Seed, uint64(k), uint64(n))*16)*time.Minute
			for name, at := range marks[k] {
				if !start.Before(at) && start.Before(at.Add(time.Hour)) {
					r.incident = name
					r.failed = name != "long-running-workflow"
					if !r.failed {
						length = longRun
					}
				}
			}
			r.end = start.Add(length)
			busyUntil = r.end
			out[id] = append(out[id], r)
		}
	}
	return out
}

func first(o Options, name string) time.Time {
	from, _ := o.at(name)
	return from
}

func (r runs) failedRun(name string) run { return r.find(name) }
func (r runs) longRun() run              { return r.find("long-running-workflow") }
func (r runs) of(workflow string) []run  { return r[workflow] }
func (r runs) find(name string) (found run) {
	for _, rs := range r {
		for _, x := range rs {
			if x.incident == name {
				return x
			}
		}
	}
	return found
}

// ended returns the runs of a workflow that ended at or before t.
func ended(rs []run, t time.Time) []run {
	// Runs do not overlap, so ends are in order of start.
	n := sort.Search(len(rs), func(i int) bool { return rs[i].end.After(t) })
	return rs[:n]
}

// running returns the run under way at t, if any.
func running(rs []run, t time.Time) (run, bool) {
	n := sort.Search(len(rs), func(i int) bool { return rs[i].start.After(t) })
	if n > 0 && rs[n-1].end.After(t) {
		return rs[n-1], true
	}
	return run{}, false
}
