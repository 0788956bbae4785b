// Package backtesthtml writes a backtest's report as one self-contained
// HTML page: per alert, its statistics, the series its expression reads,
// its expression's value against its threshold, and its episodes (and the
// baseline's) as bands on the backtest's time range, drawn by
// internal/chart. The page fetches nothing and runs no script.
//
// What is drawn comes from extra range queries at a coarse step, made
// after the run through the same source; they never change the report:
// the episodes and statistics are the run's.
package backtesthtml
