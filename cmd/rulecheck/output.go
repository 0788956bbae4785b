package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/codevaldcortex/rulecheck/internal/outfile"
)

// abortReport gives up a report the run did not finish, and says so.
func abortReport(f *outfile.File, stderr io.Writer) {
	if f.Abort() {
		fmt.Fprintf(stderr, "rulecheck: %s: no report written, the run did not complete\n", f.Path())
	}
}

// cleanUpOnSignal makes SIGINT and SIGTERM give up the reports not yet
// written (removing files the run created, leaving existing ones as they
// were) before the process exits with 128 plus the signal's number.
func cleanUpOnSignal(stderr io.Writer) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-c
		for _, p := range outfile.AbortAll() {
			fmt.Fprintf(stderr, "rulecheck: %s: no report written, interrupted by %v\n", p, sig)
		}
		code := 130
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}
