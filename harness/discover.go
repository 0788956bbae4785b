package harness

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FindFixtures expands the arguments into fixture files. Files are taken as
// they are; directories are walked for *.yaml and *.yml files that look like
// test files (a top-level "tests" key), so rule files kept beside fixtures
// are skipped. The result is sorted within each directory.
func FindFixtures(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != arg && strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" && path != arg {
					return filepath.SkipDir
				}
				return nil
			}
			ext := filepath.Ext(path)
			if (ext == ".yaml" || ext == ".yml") && looksLikeFixture(path) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

func looksLikeFixture(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return true // let the run report it
	}
	var top map[string]yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&top); err != nil {
		return true
	}
	_, ok := top["tests"]
	return ok
}
