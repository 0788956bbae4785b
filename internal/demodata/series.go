package demodata

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// Counts of series: the manager's are fixed, each agent has perAgent.
const (
	perAgent      = 8 // up, cpu, memory, memory limit, queue, messages, errors (agent); status (manager)
	managerSeries = 2 + 3*(2+1+14) + 3*(2+14)
)

// buckets are the histograms' upper bounds (client_golang's DefBuckets,
// the ones both of the platform's histograms use), +Inf last.
var buckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, math.Inf(1)}

type endpoint struct {
	method, path string
	rate         float64 // requests per second
}

var endpoints = []endpoint{
	{"GET", "/api/v1/agents", 20},
	{"POST", "/api/v1/workflows", 2},
	{"GET", "/api/v1/workflows", 8},
}

var spikeEndpoint = endpoints[1]

var agentTypes = []string{"worker", "planner", "executor", "monitor"}

func agentID(i int) string { return fmt.Sprintf("agent-%03d", i) }

// build returns every series in a fixed order: the manager's, then the
// agents'.
func build(o Options) []series {
	b := builder{o: o, start: o.Start.UnixMilli()}
	b.agentStep, b.managerStep = 10*time.Second, 15*time.Second
	if o.Interval > 0 {
		b.agentStep, b.managerStep = o.Interval, o.Interval
	}
	set := b.manager()
	for i := 0; len(set) < o.Series; i++ {
		agent := b.agent(i)
		set = append(set, agent[:min(len(agent), o.Series-len(set))]...)
	}
	return set
}

type builder struct {
	o                      Options
	start                  int64
	agentStep, managerStep time.Duration
}

// elapsed is the seconds since the first scrape (when the processes start).
func (b *builder) elapsed(t int64) float64 { return float64(t-b.start) / 1000 }

func (b *builder) step(t int64, d time.Duration) uint64 {
	return uint64((t - b.start) / d.Milliseconds())
}

func target(job, namespace, container, pod, instance string) labels.Labels {
	return labels.FromStrings("job", job, "namespace", namespace, "service", job,
		"endpoint", "metrics", "container", container, "pod", pod, "instance", instance)
}

var managerTarget = target("pweza-core-manager", "pweza-core-system", "manager",
	"pweza-core-manager-5d8f9c7b6-q4z8m", "10.42.0.23:8080")

func agentTarget(i int) labels.Labels {
	const letters = "bcdfghjklmnpqrstvwxz2456789"
	suffix := make([]byte, 5)
	h := mix(uint64(i) + 0x9e37)
	for j := range suffix {
		suffix[j] = letters[h%uint64(len(letters))]
		h /= uint64(len(letters))
	}
	return target("pweza-core-agents", "pweza-core-agents", "agent",
		"pweza-agent-7c9d5b8f6-"+string(suffix), fmt.Sprintf("10.42.%d.%d:9090", 1+i/250, 2+i%250))
}

// with returns the target's labels plus a name and more labels.
func with(t labels.Labels, name string, kv ...string) labels.Labels {
	b := labels.NewBuilder(t)
	b.Set(labels.MetricName, name)
	for i := 0; i+1 < len(kv); i += 2 {
		b.Set(kv[i], kv[i+1])
	}
	return b.Labels()
}

func always(v float64) func(int64) (float64, bool) {
	return func(int64) (float64, bool) { return v, true }
}

// agent returns agent i's series: seven from its own target, its status
// from the manager's.
func (b *builder) agent(i int) []series {
	tl := agentTarget(i)
	id := agentID(i)
	seed := b.o.Seed
	var down, busyCPU, busyMem, flap windows
	switch i {
	case downAgent:
		down = append(b.o.window("agent-down-1"), b.o.window("agent-down-2")...)
	case queueAgent:
		flap = b.o.window("flapping-queue")
	case busyAgent:
		busyCPU, busyMem = b.o.window("high-cpu"), b.o.window("high-memory")
	}
	h := noise(seed, uint64(i), 1<<40)
	present := func(f func(t int64) float64) func(int64) (float64, bool) {
		return func(t int64) (float64, bool) {
			if down.has(t) {
				return 0, false
			}
			return f(t), true
		}
	}
	limit := float64(512 << 20)
	if i%4 == 3 {
		limit = 1 << 30
	}
	cores := 0.15 + 0.3*h
	msgRate := 5 + 15*h
	agentSeries := func(name string, f func(int64) (float64, bool), kv ...string) series {
		return series{labels: with(tl, name, append([]string{"agent_id", id}, kv...)...), interval: b.agentStep, value: f}
	}
	return []series{
		{labels: with(tl, "up"), interval: b.agentStep, value: func(t int64) (float64, bool) {
			if down.has(t) {
				return 0, true
			}
			return 1, true
		}},
		agentSeries("pweza_agent_cpu_usage_seconds_total", present(func(t int64) float64 {
			return cores*b.elapsed(t) + (0.97-cores)*busyCPU.overlap(b.start, t)
		})),
		agentSeries("pweza_agent_memory_usage_bytes", present(func(t int64) float64 {
			n := noise(seed, uint64(i)<<8|2, b.step(t, b.agentStep))
			if busyMem.has(t) {
				return math.Floor(limit * (0.95 + 0.01*n))
			}
			return math.Floor(limit * (0.45 + 0.1*h + 0.04*n))
		})),
		agentSeries("pweza_agent_memory_limit_bytes", present(func(int64) float64 { return limit })),
		agentSeries("pweza_agent_message_queue_size", present(func(t int64) float64 {
			n := noise(seed, uint64(i)<<8|3, b.step(t, b.agentStep))
			if flap.has(t) {
				if (t-flap[0][0])%(flapHigh+flapLow).Milliseconds() < flapHigh.Milliseconds() {
					return math.Floor(1100 + 300*n)
				}
				return math.Floor(200 + 100*n)
			}
			return math.Floor(15 + 60*n)
		})),
		agentSeries("pweza_agent_messages_total", present(func(t int64) float64 {
			return math.Floor(msgRate * b.elapsed(t))
		})),
		agentSeries("pweza_agent_errors_total", present(func(t int64) float64 {
			return math.Floor(0.002*b.elapsed(t) + h)
		})),
		{labels: with(managerTarget, "pweza_agent_status", "agent_id", id, "agent_type", agentTypes[i%len(agentTypes)], "status", "running"),
			interval: b.managerStep, value: func(t int64) (float64, bool) {
				if down.has(t) {
					return 2, true
				}
				return 1, true
			}},
	}
}

// manager returns the manager's series.
func (b *builder) manager() []series {
	m := func(name string, f func(int64) (float64, bool), kv ...string) series {
		return series{labels: with(managerTarget, name, kv...), interval: b.managerStep, value: f}
	}
	errs := dbErrors(b.o)
	set := []series{
		m("up", always(1)),
		m("pweza_database_connection_errors_total", func(t int64) (float64, bool) {
			n := 0
			for _, e := range errs {
				if e.UnixMilli() <= t {
					n++
				}
			}
			return float64(n), true
		}),
	}
	wf := workflowRuns(b.o)
	for _, id := range workflowIDs {
		set = append(set, b.workflow(m, id, wf.of(id))...)
	}
	for _, e := range endpoints {
		set = append(set, b.api(m, e)...)
	}
	return set
}

type seriesFunc func(name string, f func(int64) (float64, bool), kv ...string) series

// workflow returns one workflow's executions counters, its start time
// while it runs and its duration histogram (observed when a run ends).
func (b *builder) workflow(m seriesFunc, id string, rs []run) []series {
	// done[n]: the counts of the first n ended runs.
	type tally struct{ ok, failed, sum float64 }
	done := make([]tally, len(rs)+1)
	for n, r := range rs {
		d := done[n]
		if r.failed {
			d.failed++
		} else {
			d.ok++
		}
		d.sum += r.end.Sub(r.start).Seconds()
		done[n+1] = d
	}
	at := func(t int64) tally { return done[len(ended(rs, time.UnixMilli(t)))] }
	set := []series{
		m("pweza_workflow_executions_total", func(t int64) (float64, bool) { return at(t).ok, true },
			"workflow_id", id, "status", "success"),
		m("pweza_workflow_executions_total", func(t int64) (float64, bool) { return at(t).failed, true },
			"workflow_id", id, "status", "failed"),
		m("pweza_workflow_start_time_seconds", func(t int64) (float64, bool) {
			r, ok := running(rs, time.UnixMilli(t))
			return float64(r.start.Unix()), ok
		}, "workflow_id", id),
	}
	const name = "pweza_workflow_execution_duration_seconds"
	for _, le := range buckets {
		// under[n]: how many of the first n ended runs took at most le.
		under := make([]float64, len(rs)+1)
		for n, r := range rs {
			under[n+1] = under[n]
			if r.end.Sub(r.start).Seconds() <= le {
				under[n+1]++
			}
		}
		set = append(set, m(name+"_bucket", func(t int64) (float64, bool) {
			return under[len(ended(rs, time.UnixMilli(t)))], true
		}, "workflow_id", id, "le", formatLe(le)))
	}
	return append(set,
		m(name+"_sum", func(t int64) (float64, bool) { return at(t).sum, true }, "workflow_id", id),
		m(name+"_count", func(t int64) (float64, bool) { d := at(t); return d.ok + d.failed, true }, "workflow_id", id))
}

// Request latency is log-normal: a median of 40ms normally, 1.6s in the
// latency spike (95th percentile about 3.6s).
const (
	medianNormal, sigmaNormal = 0.04, 0.8
	medianSpike, sigmaSpike   = 1.6, 0.5
)

// api returns one endpoint's request counters and latency histogram.
func (b *builder) api(m seriesFunc, e endpoint) []series {
	var spike windows
	if e == spikeEndpoint {
		spike = b.o.window("latency-spike")
	}
	split := func(t int64) (normal, slow float64) {
		slow = spike.overlap(b.start, t)
		return b.elapsed(t) - slow, slow
	}
	kv := []string{"method", e.method, "endpoint", e.path}
	set := []series{
		m("pweza_api_requests_total", func(t int64) (float64, bool) {
			return math.Floor(0.99 * e.rate * b.elapsed(t)), true
		}, append(kv, "status", "200")...),
		m("pweza_api_requests_total", func(t int64) (float64, bool) {
			return math.Floor(0.01 * e.rate * b.elapsed(t)), true
		}, append(kv, "status", "500")...),
	}
	const name = "pweza_api_request_duration_seconds"
	for _, le := range buckets {
		fn, fs := logNormalCDF(le, medianNormal, sigmaNormal), logNormalCDF(le, medianSpike, sigmaSpike)
		set = append(set, m(name+"_bucket", func(t int64) (float64, bool) {
			normal, slow := split(t)
			return math.Floor(e.rate * (fn*normal + fs*slow)), true
		}, append(kv, "le", formatLe(le))...))
	}
	meanN := medianNormal * math.Exp(sigmaNormal*sigmaNormal/2)
	meanS := medianSpike * math.Exp(sigmaSpike*sigmaSpike/2)
	return append(set,
		m(name+"_sum", func(t int64) (float64, bool) {
			normal, slow := split(t)
			return e.rate * (meanN*normal + meanS*slow), true
		}, kv...),
		m(name+"_count", func(t int64) (float64, bool) {
			return math.Floor(e.rate * b.elapsed(t)), true
		}, kv...))
}

func logNormalCDF(x, median, sigma float64) float64 {
	if math.IsInf(x, 1) {
		return 1
	}
	return 0.5 * math.Erfc(-math.Log(x/median)/(sigma*math.Sqrt2))
}

func formatLe(le float64) string {
	if math.IsInf(le, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(le, 'f', -1, 64)
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// noise is a number in [0, 1) that depends only on its arguments.
func noise(seed, a, b uint64) float64 {
	return float64(mix(seed^mix(a^mix(b)))>>11) / (1 << 53)
}
