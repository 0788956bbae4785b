package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

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
		runInterruptCleanups()
		code := 130
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}

// interruptCleanups are what a signal must clean up before the process
// exits: temporary directories a command made, say.
var interruptCleanups struct {
	sync.Mutex
	next int
	fs   map[int]func()
}

// interruptSafeTempDir makes a temporary directory that a signal removes
// too, until remove (which removes it) is called. The directory is made
// and registered at once, so no signal falls between.
func interruptSafeTempDir(pattern string) (dir string, remove func(), err error) {
	c := &interruptCleanups
	c.Lock()
	defer c.Unlock()
	if dir, err = os.MkdirTemp("", pattern); err != nil {
		return "", nil, err
	}
	if c.fs == nil {
		c.fs = map[int]func(){}
	}
	id := c.next
	c.next++
	c.fs[id] = func() { removeWhileWritten(dir) }
	return dir, func() {
		c.Lock()
		delete(c.fs, id)
		c.Unlock()
		_ = os.RemoveAll(dir)
	}, nil
}

// removeWhileWritten removes dir while the interrupted command may still
// be writing into it (os.RemoveAll then finds it not empty), trying again
// for up to a second.
func removeWhileWritten(dir string) {
	for range 1000 {
		_ = os.RemoveAll(dir)
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// filling is held while a command fills a temporary directory with code
// that may make its parents again (Prometheus's write-ahead log does): a
// signal waits for it, up to interruptWait, before removing anything.
var filling sync.Mutex

const interruptWait = 10 * time.Second

// whileFilling runs f, which writes into a temporary directory, with the
// interrupt's clean-up waiting until it is done.
func whileFilling(f func() error) error {
	filling.Lock()
	defer filling.Unlock()
	return f()
}

// runInterruptCleanups runs, on a signal, what is registered; it holds
// the lock, so a directory being made is registered first.
func runInterruptCleanups() {
	for deadline := time.Now().Add(interruptWait); !filling.TryLock() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	c := &interruptCleanups
	c.Lock()
	defer c.Unlock()
	for _, f := range c.fs {
		f()
	}
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
