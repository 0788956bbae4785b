//go:build !unix

package outfile

import "os"

func openWrite(path string, flag int, perm os.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag, perm)
}
