package routing

import (
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
)

// routeLine returns the file line of the route with dispatcher index idx.
// dispatch.NewRoute numbers routes in post-order (children first), which
// this walk of the YAML routes repeats.
func (c *Config) routeLine(idx int) int {
	var lines []int
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, ch := range yamlnode.Items(yamlnode.Value(n, "routes")) {
			walk(ch)
		}
		lines = append(lines, n.Line)
	}
	m := yamlnode.Mapping(c.tree)
	root := yamlnode.Value(m, "route")
	if root == nil {
		return 0
	}
	walk(root)
	// The root route is shown at its key.
	lines[len(lines)-1] = yamlnode.Key(m, "route").Line
	if idx < 0 || idx >= len(lines) {
		return 0
	}
	return c.line(lines[idx])
}

// InhibitRuleLine returns the file line of the i-th inhibit rule.
func (c *Config) InhibitRuleLine(i int) int {
	n := yamlnode.Item(yamlnode.Value(yamlnode.Mapping(c.tree), "inhibit_rules"), i)
	if n == nil {
		return 0
	}
	return c.line(n.Line)
}
