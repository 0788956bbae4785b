//go:build !unix

package inputfile

import "os"

func openNonBlocking(path string) (*os.File, error) {
	return os.Open(path)
}

type fileKey struct{}

func keyOf(os.FileInfo) (fileKey, bool) { return fileKey{}, false }
