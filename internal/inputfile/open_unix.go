//go:build unix

package inputfile

import (
	"os"
	"syscall"
)

// openNonBlocking opens path for reading without waiting for a writer when
// it is a named pipe; Read refuses the pipe afterwards.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// fileKey identifies a file whatever path names it, as it was when read:
// the modification time and size tell a file apart from a later one that
// reuses a deleted file's inode.
type fileKey struct {
	dev, ino uint64
	mtime    int64
	size     int64
}

func keyOf(st os.FileInfo) (fileKey, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{uint64(s.Dev), uint64(s.Ino), st.ModTime().UnixNano(), st.Size()}, true //nolint:unconvert // field types differ across platforms
}
