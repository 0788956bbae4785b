package lint

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/prometheus/common/model"

	"github.com/codevaldcortex/rulecheck/internal/inputfile"
	"github.com/codevaldcortex/rulecheck/internal/yamlsafe"
)

// DefaultConfigFile is the configuration read from the working directory
// when --config is not given.
const DefaultConfigFile = ".rulecheck.yaml"

// DefaultCatalogFile is the catalog used when the configuration names none
// and the file exists.
const DefaultCatalogFile = "rules/metrics.yaml"

// Config is the content of .rulecheck.yaml.
type Config struct {
	// Catalog is the path of the metric catalog, relative to the
	// configuration file's directory.
	Catalog string `yaml:"catalog,omitempty"`
	// Prometheus lists files with the operator's Prometheus resources, for
	// the operator/rule-not-selected check.
	Prometheus []string `yaml:"prometheus,omitempty"`
	// Rules lists the rule files and directories that rule coverage
	// reports on (rulecheck test --coverage), relative to the
	// configuration file's directory: a rule file no test loads shows 0%.
	Rules []string `yaml:"rules,omitempty"`
	// EvaluationInterval is the global evaluation interval, for groups
	// without an interval of their own when no Prometheus resource is
	// given (Prometheus's default: 1m).
	EvaluationInterval model.Duration `yaml:"evaluation_interval,omitempty"`
	Alerts             AlertConfig    `yaml:"alerts,omitempty"`
	// Checks sets a check's severity: error, warning, info or off.
	Checks map[string]string `yaml:"checks,omitempty"`
	// RecordingRules says how recording rules are named.
	RecordingRules RecordingConfig `yaml:"recording_rules,omitempty"`
	// Alertmanager is the Alertmanager configuration (a plain file or a
	// Secret holding alertmanager.yaml), relative to the configuration
	// file's directory, for the alertmanager/... checks.
	Alertmanager string `yaml:"alertmanager,omitempty"`
	// NamespaceLabels are the labels of namespaces, for ruleNamespaceSelector;
	// every namespace has kubernetes.io/metadata.name set to its name.
	NamespaceLabels map[string]map[string]string `yaml:"namespace_labels,omitempty"`
	// RuleFileSets say which rule files one Prometheus loads together,
	// for checks about rules that collide only when loaded together
	// (syntax/duplicate-alert across files).
	RuleFileSets []RuleFileSet `yaml:"rule_file_sets,omitempty"`

	// Path is the file the configuration was read from, if any.
	Path string `yaml:"-"`

	severities map[string]Severity
}

// AlertConfig is what alerting rules must carry.
type AlertConfig struct {
	// RequiredLabels every alert must have.
	RequiredLabels []string `yaml:"required_labels,omitempty"`
	// SeverityLabel is the label whose value must be one of Severities.
	SeverityLabel string `yaml:"severity_label,omitempty"`
	// Severities are the allowed values of SeverityLabel.
	Severities []string `yaml:"severities,omitempty"`
	// RequiredAnnotations every alert must have.
	RequiredAnnotations []string `yaml:"required_annotations,omitempty"`
	// CriticalSeverities are the severities of alerts that page someone.
	CriticalSeverities []string `yaml:"critical_severities,omitempty"`
	// CriticalAnnotations are required in addition for critical alerts.
	CriticalAnnotations []string `yaml:"critical_annotations,omitempty"`
	// URLAnnotations must be absolute http(s) URLs when present.
	URLAnnotations []string `yaml:"url_annotations,omitempty"`
}

// RuleFileSet is the rule files one Prometheus loads: the globs of its
// rule_files, relative to the configuration file's directory, matched as
// Prometheus matches them (filepath.Glob).
type RuleFileSet struct {
	Name      string   `yaml:"name"`
	RuleFiles []string `yaml:"rule_files"`
}

// Files returns the paths the set's globs match, made absolute, as a set.
func (s RuleFileSet) Files(configPath string) map[string]bool {
	out := map[string]bool{}
	for _, g := range s.RuleFiles {
		if !filepath.IsAbs(g) && configPath != "" {
			g = filepath.Join(filepath.Dir(configPath), g)
		}
		matches, _ := filepath.Glob(g) // patterns are checked when the configuration is read
		for _, m := range matches {
			if abs, err := filepath.Abs(m); err == nil {
				out[abs] = true
			}
		}
	}
	return out
}

// RecordingConfig is how recording rules are named.
type RecordingConfig struct {
	// NamePattern is a regular expression every recording rule's name must
	// match (anchored at both ends); empty means any name.
	NamePattern string `yaml:"name_pattern,omitempty"`
}

// DefaultConfig returns the configuration used without a file; a file's
// settings replace these field by field. The defaults hold only what is
// wrong for everybody: which labels and annotations an alert must carry and
// which severities exist are a team's house rules, written in its
// .rulecheck.yaml (this repository's is an example).
func DefaultConfig() *Config {
	return &Config{
		Alerts: AlertConfig{
			SeverityLabel:      "severity",
			CriticalSeverities: []string{"critical"},
			URLAnnotations:     []string{"runbook_url"},
		},
		severities: map[string]Severity{},
	}
}

// LoadConfig reads a configuration file over the defaults.
func LoadConfig(path string) (*Config, error) {
	b, err := inputfile.Read(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.Path = path
	return c, nil
}

// ParseConfig reads configuration YAML over the defaults.
func ParseConfig(b []byte) (*Config, error) {
	c := DefaultConfig()
	var file Config
	if err := yamlsafe.DecodeStrict(b, &file); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	if file.Catalog != "" {
		c.Catalog = file.Catalog
	}
	c.Prometheus = file.Prometheus
	c.Rules = file.Rules
	if file.EvaluationInterval > 0 {
		c.EvaluationInterval = file.EvaluationInterval
	}
	c.NamespaceLabels = file.NamespaceLabels
	if err := checkRuleFileSets(file.RuleFileSets); err != nil {
		return nil, err
	}
	c.RuleFileSets = file.RuleFileSets
	c.Alertmanager = file.Alertmanager
	if p := file.RecordingRules.NamePattern; p != "" {
		if _, err := regexp.Compile("^(?:" + p + ")$"); err != nil {
			return nil, fmt.Errorf("recording_rules: name_pattern: %w", err)
		}
		c.RecordingRules.NamePattern = p
	}
	a, fa := &c.Alerts, file.Alerts
	set := func(dst *[]string, src []string) {
		if src != nil {
			*dst = src
		}
	}
	set(&a.RequiredLabels, fa.RequiredLabels)
	set(&a.Severities, fa.Severities)
	set(&a.RequiredAnnotations, fa.RequiredAnnotations)
	set(&a.CriticalSeverities, fa.CriticalSeverities)
	set(&a.CriticalAnnotations, fa.CriticalAnnotations)
	set(&a.URLAnnotations, fa.URLAnnotations)
	if fa.SeverityLabel != "" {
		a.SeverityLabel = fa.SeverityLabel
	}
	c.Checks = file.Checks
	for id, s := range file.Checks {
		sev, err := ParseSeverity(s)
		if err != nil {
			return nil, fmt.Errorf("checks: %s: %w", id, err)
		}
		c.severities[id] = sev
	}
	return c, nil
}

func checkRuleFileSets(sets []RuleFileSet) error {
	for i, s := range sets {
		if s.Name == "" {
			return fmt.Errorf("rule_file_sets[%d]: name is missing", i)
		}
		if len(s.RuleFiles) == 0 {
			return fmt.Errorf("rule_file_sets[%d] (%s): rule_files is empty", i, s.Name)
		}
		for _, g := range s.RuleFiles {
			if _, err := filepath.Match(g, ""); err != nil {
				return fmt.Errorf("rule_file_sets[%d] (%s): rule_files: %q: %w", i, s.Name, g, err)
			}
		}
	}
	return nil
}

// SetSeverity overrides a check's severity; 0 turns it off.
func (c *Config) SetSeverity(id string, s Severity) {
	if c.severities == nil {
		c.severities = map[string]Severity{}
	}
	c.severities[id] = s
}

// Severity returns the severity of a check: the configured one, else its
// default; 0 means off.
func (c *Config) Severity(ch *Check) Severity {
	if s, ok := c.severities[ch.ID]; ok {
		return s
	}
	return ch.Severity
}

// ValidateChecks reports check IDs in the configuration that name no check.
func (c *Config) ValidateChecks(checks []*Check) error {
	known := map[string]bool{}
	for _, ch := range checks {
		known[ch.ID] = true
	}
	var errs []error
	for id := range c.severities {
		if !known[id] {
			errs = append(errs, fmt.Errorf("checks: unknown check %q (see rulecheck lint --list)", id))
		}
	}
	return errors.Join(errs...)
}
