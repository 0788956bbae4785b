// Package projectconfig holds the configuration that governs a file: the
// .rulecheck.yaml found from the file's own directory upward, stopping at
// the repository root (as golangci-lint, eslint and .editorconfig find
// theirs), and the metric catalog it names. The working directory plays no
// part, so every command and the Go API give one verdict for a file
// wherever they are run from.
package projectconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/codevaldcortex/rulecheck/catalog"
	"github.com/codevaldcortex/rulecheck/internal/lint"
)

// FileName is the name of a configuration file.
const FileName = lint.DefaultConfigFile

// Project is the configuration that governs a file.
type Project struct {
	// ConfigPath is the .rulecheck.yaml found, "" when there is none.
	ConfigPath string
	// Config is the file's configuration over the defaults, or the defaults.
	Config *lint.Config
	// CatalogPath is the catalog the configuration names, resolved against
	// the configuration's directory unless absolute; "" when it names none.
	CatalogPath string
	// Catalog is the loaded catalog, nil when the configuration names none.
	Catalog *catalog.Catalog
	// Rules are the rule files and directories coverage reports on (the
	// configuration's rules: list), resolved against its directory.
	Rules []string
}

// Finder finds and loads configuration, reading each configuration file
// and catalog once. A Finder is safe for concurrent use.
type Finder struct {
	mtx      sync.Mutex
	projects map[string]result // by configuration file ("" for none)
	dirs     map[string]string // directory -> configuration file found
}

type result struct {
	p   *Project
	err error
}

// For returns the configuration that governs the file or directory path.
func (f *Finder) For(path string) (*Project, error) {
	cfgPath, err := f.find(path)
	if err != nil {
		return nil, err
	}
	f.mtx.Lock()
	defer f.mtx.Unlock()
	if f.projects == nil {
		f.projects = map[string]result{}
	}
	r, ok := f.projects[cfgPath]
	if !ok {
		r.p, r.err = Load(cfgPath)
		f.projects[cfgPath] = r
	}
	return r.p, r.err
}

// For finds the configuration of one file without a cache.
func For(path string) (*Project, error) {
	return new(Finder).For(path)
}

// find returns the configuration file governing path, "" for none, shown
// relative to the working directory when path is relative.
func (f *Finder) find(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	dir := abs
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		dir = filepath.Dir(abs)
	}
	f.mtx.Lock()
	found, ok := f.dirs[dir]
	f.mtx.Unlock()
	if !ok {
		found = findUp(dir)
		f.mtx.Lock()
		if f.dirs == nil {
			f.dirs = map[string]string{}
		}
		f.dirs[dir] = found
		f.mtx.Unlock()
	}
	if found == "" || filepath.IsAbs(path) {
		return found, nil
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, found); err == nil {
			return rel, nil
		}
	}
	return found, nil
}

// findUp looks for FileName in dir and its parents, up to the repository
// root (a directory holding .git) or the file system's root.
func findUp(dir string) string {
	for {
		p := filepath.Join(dir, FileName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Load reads the configuration file at cfgPath ("" for the defaults) and
// the catalog it names.
func Load(cfgPath string) (*Project, error) {
	if cfgPath == "" {
		return &Project{Config: lint.DefaultConfig()}, nil
	}
	cfg, err := lint.LoadConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	p := &Project{ConfigPath: cfgPath, Config: cfg}
	for _, r := range cfg.Rules {
		p.Rules = append(p.Rules, Resolve(cfgPath, r))
	}
	if cfg.Catalog == "" {
		return p, nil
	}
	p.CatalogPath = Resolve(cfgPath, cfg.Catalog)
	p.Catalog, err = catalog.Load(p.CatalogPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: catalog %s: no such file", cfgPath, p.CatalogPath)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: catalog: %w", cfgPath, err)
	}
	return p, nil
}

// Resolve returns a path written in the configuration file cfgPath: an
// absolute path as it is, a relative one from the file's directory.
func Resolve(cfgPath, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(cfgPath), p)
}
