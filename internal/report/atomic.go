// Package report writes test results: the text summary, JSON and JUnit XML.
package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// AtomicFile is a report file written to a temporary file beside its
// destination and renamed into place on Commit, so an interrupted run never
// leaves half a report behind.
type AtomicFile struct {
	*os.File
	dest string
	done bool
}

// Create opens a temporary file next to path. It fails at once when the
// destination's directory is not writable, before any work is done.
func Create(path string) (*AtomicFile, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return &AtomicFile{File: f, dest: path}, nil
}

// Commit closes the temporary file and renames it to the destination.
func (a *AtomicFile) Commit() error {
	if err := a.File.Close(); err != nil {
		_ = os.Remove(a.File.Name())
		return err
	}
	if err := os.Rename(a.File.Name(), a.dest); err != nil {
		_ = os.Remove(a.File.Name())
		return err
	}
	a.done = true
	return nil
}

// Abort removes the temporary file unless Commit succeeded.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	_ = a.File.Close()
	_ = os.Remove(a.File.Name())
}
