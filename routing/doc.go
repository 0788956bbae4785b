// Package routing holds an Alertmanager configuration and answers what
// Alertmanager would do with the alerts Prometheus sends it: which routes
// and receivers an alert reaches (following continue), with which group_by,
// and whether, and by which alerts, it is inhibited at each instant.
//
// Every decision is Alertmanager's own code: the configuration is loaded and
// validated by its config package, routes are matched by dispatch.Route and
// inhibition is decided by the inhibit package. This package only feeds them
// the alerts, as Prometheus's notifier would send them (the alert's labels
// plus the external labels it does not already have, then the alert
// relabelling), and records the answers over time.
package routing
