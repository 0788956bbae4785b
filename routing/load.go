package routing

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/prometheus/alertmanager/dispatch"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
	"github.com/codevaldcortex/rulecheck/position"
)

// SecretKey is the key of a Secret that prometheus-operator reads the
// Alertmanager configuration from.
const SecretKey = "alertmanager.yaml"

// ErrorKind says what is wrong with a configuration file.
type ErrorKind int

// Error kinds.
const (
	// ErrRead is a file that cannot be read.
	ErrRead ErrorKind = iota
	// ErrYAML is YAML that does not parse.
	ErrYAML
	// ErrSecret is a Kubernetes file that holds no usable Alertmanager
	// configuration (no Secret, no alertmanager.yaml key, bad base64).
	ErrSecret
	// ErrConfig is a configuration Alertmanager rejects.
	ErrConfig
)

var errorKindNames = [...]string{"read", "yaml", "secret", "config"}

func (k ErrorKind) String() string {
	if int(k) < len(errorKindNames) {
		return errorKindNames[k]
	}
	return "ErrorKind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a problem with an Alertmanager configuration, at a position.
type Error struct {
	position.Range
	Kind ErrorKind
	Msg  string
}

func (e *Error) Error() string { return e.Range.String() + ": " + e.Msg }

// Config is a loaded Alertmanager configuration.
type Config struct {
	// File is the file it was read from.
	File string
	// AM is the configuration as Alertmanager's config package loaded it.
	AM *amconfig.Config
	// Root is the routing tree as Alertmanager's dispatcher builds it.
	Root *dispatch.Route
	// text is the configuration's YAML and base the line its first line
	// has in File, minus one (0 for a plain file).
	text []byte
	base int
	// tree is text parsed by yaml.v3, for positions.
	tree *yaml.Node
}

// Load reads an Alertmanager configuration: a plain alertmanager.yml, or a
// Kubernetes manifest holding a Secret with an alertmanager.yaml key (read
// the way prometheus-operator reads it; other documents are skipped).
func Load(path string) (*Config, error) {
	content, err := inputfile.Read(path)
	if err != nil {
		return nil, &Error{Range: position.Range{File: path}, Kind: ErrRead, Msg: readMsg(err)}
	}
	return Parse(path, content)
}

func readMsg(err error) string {
	var ie *inputfile.Error
	if errors.As(err, &ie) {
		return ie.Msg()
	}
	return err.Error()
}

// Parse loads a configuration from content read from file.
func Parse(file string, content []byte) (*Config, error) {
	if err := yamlsafe.Check(content); err != nil {
		return nil, yamlError(file, 0, err)
	}
	docs, err := documents(file, content)
	if err != nil {
		return nil, err
	}
	text, base, err := configText(file, content, docs)
	if err != nil {
		return nil, err
	}
	return parseConfig(file, text, base)
}

func parseConfig(file string, text []byte, base int) (*Config, error) {
	var tree yaml.Node
	if err := yaml.Unmarshal(text, &tree); err != nil {
		return nil, yamlError(file, base, err)
	}
	am, err := amconfig.Load(string(text))
	if err != nil {
		return nil, configError(file, base, &tree, text, err)
	}
	return &Config{File: file, AM: am, Root: dispatch.NewRoute(am.Route, nil), text: text, base: base, tree: &tree}, nil
}

func documents(file string, content []byte) ([]*yaml.Node, error) {
	docs, err := yamlnode.Documents(content)
	if err != nil {
		return nil, yamlError(file, 0, err)
	}
	return docs, nil
}

// configText returns the Alertmanager YAML that content holds: content
// itself, unless it is a Kubernetes manifest.
func configText(file string, content []byte, docs []*yaml.Node) ([]byte, int, error) {
	if !isManifest(docs) {
		return content, 0, nil
	}
	for _, d := range docs {
		m := yamlnode.Mapping(d)
		if m == nil || scalar(m, "kind") != "Secret" {
			continue
		}
		if v := yamlnode.Value(yamlnode.Value(m, "stringData"), SecretKey); v != nil {
			return []byte(v.Value), blockBase(v), nil
		}
		if v := yamlnode.Value(yamlnode.Value(m, "data"), SecretKey); v != nil {
			text, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v.Value))
			if err != nil {
				return nil, 0, &Error{Range: position.At(file, v.Line, v.Column), Kind: ErrSecret, Msg: "data." + SecretKey + " is not valid base64: " + err.Error()}
			}
			// Decoded text has no lines in the file: errors point at the key.
			return text, -1 - v.Line, nil
		}
	}
	return nil, 0, &Error{Range: position.Range{File: file, Line: 1}, Kind: ErrSecret,
		Msg: fmt.Sprintf("no Secret with an %s key in stringData or data", SecretKey)}
}

func isManifest(docs []*yaml.Node) bool {
	for _, d := range docs {
		m := yamlnode.Mapping(d)
		if m != nil && yamlnode.Value(m, "apiVersion") != nil && yamlnode.Value(m, "kind") != nil {
			return true
		}
	}
	return false
}

func scalar(m *yaml.Node, key string) string {
	if v := yamlnode.Value(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// blockBase is the line offset of a block scalar's text (| or >): its first
// line is the line after the indicator. Other scalars are one line.
func blockBase(v *yaml.Node) int {
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return v.Line
	}
	return -1 - v.Line
}

// line maps a line of the configuration text to a line of the file. A
// negative base -1-L means the text has no lines in the file: line L.
func (c *Config) line(l int) int { return fileLine(c.base, l) }

func fileLine(base, l int) int {
	if base < 0 {
		return -1 - base
	}
	if l <= 0 {
		return 0
	}
	return base + l
}

func yamlError(file string, base int, err error) *Error {
	l, msg := yamlnode.ErrorLine(err)
	return &Error{Range: position.Range{File: file, Line: fileLine(base, max(l, 1))}, Kind: ErrYAML, Msg: msg}
}
