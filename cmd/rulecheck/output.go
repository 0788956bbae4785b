package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/codevaldcortex/rulecheck/internal/outfile"
	"github.com/codevaldcortex/rulecheck/internal/textsafe"
)

// abortReport gives up a report the run did not finish, and says so.
func abortReport(f *outfile.File, stderr io.Writer) {
	if f.Abort() {
		fmt.Fprintf(stderr, "rulecheck: %s: no report written, the run did not complete\n", textsafe.Escape(f.Path()))
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
			fmt.Fprintf(stderr, "rulecheck: %s: no report written, interrupted by %v\n", textsafe.Escape(p), sig)
		}
		code := 130
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}

// errText is an error as printed on standard error: control characters
// escaped and every line after the first indented, so that a path or name
// from the input in it cannot forge a line or drive the terminal.
func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return textsafe.Indent(err.Error(), "    ")
}

// safeArgs escapes the errors and strings among a message's arguments as
// errText does.
func safeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case error:
			out[i] = errText(v)
		case string:
			out[i] = textsafe.Indent(v, "    ")
		default:
			out[i] = a
		}
	}
	return out
}
