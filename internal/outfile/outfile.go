// Package outfile writes the reports rulecheck produces into the path the
// user named, as common tools do: the path is opened for writing (symbolic
// links followed, a new file created with mode 0644 minus the umask), never
// replaced by another file, so a device such as /dev/stdout stays a device
// and a symbolic link keeps pointing where it pointed.
//
// The path is opened when the command starts, so an unwritable destination
// or one that is also an input is refused before any work; the report is
// kept in memory and written when the run is complete, so a run that fails
// or is interrupted leaves no half report: a file it created is removed and
// an existing one is left as it was.
package outfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/codevaldcortex/rulecheck/internal/inputfile"
)

// File is a report destination. Writes are kept until Commit.
type File struct {
	path    string
	f       *os.File
	created bool
	buf     bytes.Buffer
	lock    sync.Mutex // held by Commit and Abort, so a signal waits for a write under way
	done    bool
}

// Open opens path for writing without truncating it, refusing a directory
// and any of the inputs (compared as files, whatever path names them).
func Open(path string, inputs []string) (*File, error) {
	st, err := os.Stat(path)
	exists := err == nil
	if exists {
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", path)
		}
		if in := sameAs(st, inputs); in != "" {
			return nil, fmt.Errorf("%s is also an input (%s); refusing to overwrite it", path, in)
		}
	}
	f, err := openWrite(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	o := &File{path: path, f: f, created: !exists}
	register(o)
	return o, nil
}

func sameAs(st fs.FileInfo, inputs []string) string {
	for _, in := range inputs {
		if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
			return in
		}
	}
	return ""
}

// Path is the destination's path as the user named it.
func (o *File) Path() string { return o.path }

// Write keeps p for Commit.
func (o *File) Write(p []byte) (int, error) { return o.buf.Write(p) }

// Commit writes what was written to the destination and closes it. An
// existing regular file is truncated first; a device or pipe is written
// to as it is. It refuses a destination the run read as an input.
func (o *File) Commit() error {
	o.lock.Lock()
	defer o.lock.Unlock()
	defer unregister(o)
	if o.done {
		return errors.New("report already written")
	}
	o.done = true
	st, err := o.f.Stat()
	if err == nil && st.Mode().IsRegular() && inputfile.WasRead(st) {
		o.discard()
		return fmt.Errorf("%s was read as an input; refusing to overwrite it", o.path)
	}
	if err == nil && st.Mode().IsRegular() {
		if err := o.f.Truncate(0); err != nil {
			o.discard()
			return fmt.Errorf("cannot write %s: %w", o.path, unwrapPath(err))
		}
	}
	if _, err := o.f.Write(o.buf.Bytes()); err != nil {
		_ = o.f.Close()
		return fmt.Errorf("cannot write %s: %w", o.path, unwrapPath(err))
	}
	if err := o.f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", o.path, unwrapPath(err))
	}
	return nil
}

// Abort gives up the report unless Commit ran: a file Open created is
// removed, an existing one is left untouched. It reports whether a report
// was given up.
func (o *File) Abort() bool {
	o.lock.Lock()
	defer o.lock.Unlock()
	if o.done {
		return false
	}
	o.done = true
	o.discard()
	unregister(o)
	return true
}

func (o *File) discard() {
	_ = o.f.Close()
	if o.created {
		_ = os.Remove(o.path)
	}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var (
	mu   sync.Mutex
	open = map[*File]bool{}
)

func register(o *File) {
	mu.Lock()
	open[o] = true
	mu.Unlock()
}

func unregister(o *File) {
	mu.Lock()
	delete(open, o)
	mu.Unlock()
}

// AbortAll aborts every report not yet written, for a signal handler, and
// returns their paths.
func AbortAll() []string {
	mu.Lock()
	files := make([]*File, 0, len(open))
	for o := range open {
		files = append(files, o)
	}
	mu.Unlock()
	var paths []string
	for _, o := range files {
		if o.Abort() {
			paths = append(paths, o.path)
		}
	}
	return paths
}
