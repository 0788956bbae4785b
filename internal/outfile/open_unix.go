//go:build unix

package outfile

import (
	"os"
	"syscall"
)

// openWrite opens without waiting for a reader when path is a named pipe
// (a pipe without a reader is refused rather than waited for).
func openWrite(path string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_NONBLOCK, perm)
}
