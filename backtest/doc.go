// Package backtest replays Prometheus rules over recorded data and reports
// what the alerts would have done: their episodes (pending, firing,
// resolved, per label set) and per-alert statistics.
//
// Each rule's expression is evaluated as a range query over a time window
// (a range query is, by definition, the instant query at each step); each
// alerting rule then runs through Prometheus's own alert state machine
// (rules.AlertingRule.Eval), whose query function returns the precomputed
// vector at the evaluation time. So `for`, `keep_firing_for`, `limit`,
// `query_offset` and templating are Prometheus's code. Recording rules are
// evaluated the same way and their output is written back to the Source so
// that later rules read it. The run goes window by window, so memory is
// bounded by the window, never by the whole range.
package backtest
