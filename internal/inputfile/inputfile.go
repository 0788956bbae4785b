// Package inputfile reads the files rulecheck takes as input: one place
// that opens a path, checks that it is a regular file (after following
// symbolic links) and reads it through a size limit, so that a device, a
// named pipe or a huge file is refused at once instead of blocking or
// filling memory. It also remembers which files were read, so that an
// output path naming one of them can be refused.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// DefaultMaxSize is the largest file read unless MaxSize is changed.
const DefaultMaxSize int64 = 32 << 20

// MaxSize is the largest file read, in bytes.
var MaxSize = DefaultMaxSize

// Kind says why a file could not be read.
type Kind int

// Kinds of Error.
const (
	// NotFound: nothing exists at the path.
	NotFound Kind = iota + 1
	// NotRegular: a directory, named pipe, device or socket.
	NotRegular
	// TooLarge: more than MaxSize bytes.
	TooLarge
	// Unreadable: any other failure (permissions, I/O).
	Unreadable
)

// Error is a file that could not be read. Its message leaves out the path,
// which callers put in their own positioned errors; Error() includes it.
type Error struct {
	Path  string
	Kind  Kind
	Mode  fs.FileMode // the file's type, for NotRegular
	Limit int64       // the limit broken, for TooLarge
	Err   error       // the cause, for Unreadable
}

// Msg describes the problem without the path.
func (e *Error) Msg() string {
	switch e.Kind {
	case NotFound:
		return "no such file"
	case NotRegular:
		if e.Mode.IsDir() {
			return "is a directory, expected a file"
		}
		return fmt.Sprintf("is %s, expected a regular file", typeName(e.Mode))
	case TooLarge:
		return fmt.Sprintf("file is larger than the limit of %d bytes", e.Limit)
	}
	return e.Err.Error()
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg()
	}
	return e.Path + ": " + e.Msg()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error {
	if e.Kind == NotFound {
		return fs.ErrNotExist
	}
	return e.Err
}

func typeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// Read returns the content of the regular file at path (symbolic links
// followed), refusing anything else (but the null device, which reads as
// empty) and anything larger than MaxSize. A
// named pipe is opened without blocking and refused.
func Read(path string) ([]byte, error) {
	f, err := openNonBlocking(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{Path: path, Kind: NotFound}
		}
		return nil, &Error{Path: path, Kind: Unreadable, Err: unwrapPath(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &Error{Path: path, Kind: Unreadable, Err: unwrapPath(err)}
	}
	if isNullDevice(st) {
		return []byte{}, nil
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Kind: NotRegular, Mode: st.Mode().Type()}
	}
	limit := MaxSize
	if st.Size() > limit {
		return nil, &Error{Path: path, Kind: TooLarge, Limit: limit}
	}
	remember(st)
	b, err := ReadLimited(f, limit)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Path = path
			return nil, e
		}
		return nil, &Error{Path: path, Kind: Unreadable, Err: unwrapPath(err)}
	}
	return b, nil
}

// ReadLimited reads r to its end, failing with a TooLarge *Error (without a
// path) once more than limit bytes have come. It serves standard input and
// files that grow while they are read.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &Error{Kind: TooLarge, Limit: limit}
	}
	return b, nil
}

// Check returns the error Read would give for path's type (missing, not a
// regular file), without reading it; directory scans use it to skip or
// refuse entries before reading them.
func Check(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &Error{Path: path, Kind: NotFound}
		}
		return &Error{Path: path, Kind: Unreadable, Err: unwrapPath(err)}
	}
	if isNullDevice(st) {
		return nil
	}
	if !st.Mode().IsRegular() {
		return &Error{Path: path, Kind: NotRegular, Mode: st.Mode().Type()}
	}
	if st.Size() > MaxSize {
		return &Error{Path: path, Kind: TooLarge, Limit: MaxSize}
	}
	return nil
}

// isNullDevice tells whether st is the null device, which reads as an empty
// file (--config /dev/null turns a configuration off).
func isNullDevice(st fs.FileInfo) bool {
	if st.Mode()&fs.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(st, null)
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
	read = map[fileKey]bool{}
)

func remember(st fs.FileInfo) {
	if k, ok := keyOf(st); ok {
		mu.Lock()
		read[k] = true
		mu.Unlock()
	}
}

// WasRead reports whether the file st describes was read by Read in this
// process.
func WasRead(st fs.FileInfo) bool {
	k, ok := keyOf(st)
	if !ok {
		return false
	}
	mu.Lock()
	defer mu.Unlock()
	return read[k]
}
