package demodata

import (
	"time"
)

// Incident is one planted incident: what happens where, from when to when.
type Incident struct {
	// Name is stable: agent-down-1, latency-spike, ...
	Name string
	// Alert is the alert of rules/pweza-core-alerts.yaml it should fire.
	Alert string
	// Target names what it happens to: an agent_id, an endpoint, a
	// workflow_id, or the manager.
	Target string
	// What says what the data does.
	What     string
	From, To time.Time
}

// The incidents' places: a fraction of the range (truncated to the minute)
// and a length. The agents are the first three (agentID(0..2)).
const (
	downAgent  = 0
	queueAgent = 1
	busyAgent  = 2

	flapHigh = 3 * time.Minute
	flapLow  = 90 * time.Second

	longRun = 95 * time.Minute
)

// spot is an incident's place in the range.
type spot struct {
	name, alert string
	frac        float64
	length      time.Duration
}

var spots = []spot{
	{"agent-down-1", "AgentDown", 0.15, 10 * time.Minute},
	{"workflow-failed-1", "WorkflowExecutionFailed", 0.25, 0},
	{"latency-spike", "HighAPILatency", 0.30, 25 * time.Minute},
	{"high-cpu", "HighAgentCPUUsage", 0.38, 20 * time.Minute},
	{"high-memory", "HighAgentMemoryUsage", 0.40, 12 * time.Minute},
	{"flapping-queue", "AgentMessageQueueFull", 0.45, time.Hour},
	{"agent-down-2", "AgentDown", 0.55, 4 * time.Minute},
	{"workflow-failed-2", "WorkflowExecutionFailed", 0.62, 0},
	{"database-errors-1", "DatabaseConnectionFailure", 0.70, 4 * time.Minute},
	{"database-errors-2", "DatabaseConnectionFailure", 0.74, 0},
	{"long-running-workflow", "LongRunningWorkflow", 0.80, longRun},
}

// at returns the start of the named incident for the options (which have
// their defaults).
func (o Options) at(name string) (from, to time.Time) {
	for _, s := range spots {
		if s.name == name {
			span := time.Duration(o.Days) * day
			from = o.Start.Add(time.Duration(float64(span) * s.frac)).Truncate(time.Minute)
			return from, from.Add(s.length)
		}
	}
	panic("demodata: no incident " + name)
}

// Incidents lists the incidents planted by Write with the same options, in
// order of start.
func Incidents(opts Options) []Incident {
	o, err := opts.withDefaults()
	if err != nil {
		return nil
	}
	wf := workflowRuns(o)
	var out []Incident
	for _, s := range spots {
		from, to := o.at(s.name)
		in := Incident{Name: s.name, Alert: s.alert, From: from, To: to}
		switch s.name {
		case "agent-down-1", "agent-down-2":
			in.Target, in.What = agentID(downAgent), "scrapes fail: up is 0, the agent's series go stale"
		case "latency-spike":
			in.Target, in.What = spikeEndpoint.method+" "+spikeEndpoint.path, "95th percentile latency about 3.6s"
		case "high-cpu":
			in.Target, in.What = agentID(busyAgent), "0.97 CPU cores"
		case "high-memory":
			in.Target, in.What = agentID(busyAgent), "95% of the memory limit"
		case "flapping-queue":
			in.Target, in.What = agentID(queueAgent), "queue over 1000 for 3m, under for 1m30s, repeated"
		case "workflow-failed-1", "workflow-failed-2":
			r := wf.failedRun(s.name)
			in.Target, in.What = r.workflow, "one execution fails"
			in.From, in.To = r.start, r.end
		case "database-errors-1":
			in.Target, in.What = "manager", "3 failed ArangoDB connections"
		case "database-errors-2":
			in.Target, in.What = "manager", "1 failed ArangoDB connection"
		case "long-running-workflow":
			r := wf.longRun()
			in.Target, in.What = r.workflow, "one execution runs 95m"
			in.From, in.To = r.start, r.end
		}
		out = append(out, in)
	}
	return out
}

// dbErrors is when the manager counts a failed database connection.
func dbErrors(o Options) []time.Time {
	a, _ := o.at("database-errors-1")
	b, _ := o.at("database-errors-2")
	return []time.Time{a, a.Add(70 * time.Second), a.Add(4 * time.Minute), b}
}

// windows is a set of half-open time ranges in milliseconds.
type windows [][2]int64

func (w windows) has(t int64) bool {
	for _, x := range w {
		if t >= x[0] && t < x[1] {
			return true
		}
	}
	return false
}

// overlap is how many seconds of [from, t) lie in the windows.
func (w windows) overlap(from, t int64) float64 {
	var ms int64
	for _, x := range w {
		lo, hi := max(x[0], from), min(x[1], t)
		if hi > lo {
			ms += hi - lo
		}
	}
	return float64(ms) / 1000
}

func (o Options) window(name string) windows {
	from, to := o.at(name)
	return windows{{from.UnixMilli(), to.UnixMilli()}}
}
