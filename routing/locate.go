package routing

import (
	"strings"

	amconfig "github.com/prometheus/alertmanager/config"
	amcommoncfg "github.com/prometheus/alertmanager/config/common"
	yamlv2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
	"github.com/codevaldcortex/rulecheck/position"
)

// configError positions an error Alertmanager's config package returned.
// Whether the configuration is valid is Alertmanager's decision alone;
// this only looks for the line to show: the line the YAML library names,
// else the first part of the file (a route, receiver, inhibit rule or time
// interval) that Alertmanager rejects on its own, else a route naming a
// receiver no receiver has, else the top of the configuration.
func configError(file string, base int, tree *yaml.Node, text []byte, err error) *Error {
	l, msg := yamlLine(err.Error())
	if l == 0 {
		if n := locate(tree); n != nil {
			l = n.Line
		}
	}
	return &Error{Range: position.Range{File: file, Line: fileLine(base, max(l, 1))}, Kind: ErrConfig, Msg: msg}
}

// yamlLine finds the line a YAML library message names, also inside the
// "unmarshal errors:" list the strict decoder returns.
func yamlLine(msg string) (int, string) {
	if l, rest := yamlnode.MessageLine(msg); l > 0 {
		return l, rest
	}
	if _, list, ok := strings.Cut(msg, "unmarshal errors:\n"); ok {
		first, _, _ := strings.Cut(strings.TrimSpace(list), "\n")
		if l, rest := yamlnode.MessageLine(first); l > 0 {
			return l, rest
		}
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

func locate(tree *yaml.Node) *yaml.Node {
	m := yamlnode.Mapping(tree)
	if m == nil {
		return nil
	}
	route := yamlnode.Value(m, "route")
	if n := rejectedRoute(route); n != nil {
		return n
	}
	for _, item := range []struct {
		key  string
		into func() any
	}{
		{"receivers", func() any { return &amconfig.Receiver{} }},
		{"inhibit_rules", func() any { return &amcommoncfg.InhibitRule{} }},
		{"time_intervals", func() any { return &amconfig.TimeInterval{} }},
		{"mute_time_intervals", func() any { return &amconfig.MuteTimeInterval{} }},
	} {
		for _, n := range yamlnode.Items(yamlnode.Value(m, item.key)) {
			if !decodes(n, item.into()) {
				return n
			}
		}
	}
	if g := yamlnode.Value(m, "global"); g != nil && !decodes(g, &amconfig.GlobalConfig{}) {
		return g
	}
	if n := unknownReceiver(route, receiverNames(m)); n != nil {
		return n
	}
	if k := yamlnode.Key(m, "route"); k != nil {
		return k
	}
	return nil
}

// rejectedRoute returns the deepest route node that Alertmanager rejects
// on its own (without its child routes).
func rejectedRoute(n *yaml.Node) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for _, c := range yamlnode.Items(yamlnode.Value(n, "routes")) {
		if bad := rejectedRoute(c); bad != nil {
			return bad
		}
	}
	own := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "routes" {
			own.Content = append(own.Content, n.Content[i], n.Content[i+1])
		}
	}
	if !decodes(own, &amconfig.Route{}) {
		return n
	}
	return nil
}

// decodes reports whether Alertmanager's type accepts the node alone.
func decodes(n *yaml.Node, into any) bool {
	text, err := yaml.Marshal(n)
	if err != nil {
		return true
	}
	return yamlv2.UnmarshalStrict(text, into) == nil
}

func receiverNames(m *yaml.Node) map[string]bool {
	names := map[string]bool{}
	for _, r := range yamlnode.Items(yamlnode.Value(m, "receivers")) {
		if v := yamlnode.Value(r, "name"); v != nil {
			names[v.Value] = true
		}
	}
	return names
}

// unknownReceiver returns the receiver value of the first route naming a
// receiver that is not defined.
func unknownReceiver(n *yaml.Node, names map[string]bool) *yaml.Node {
	if n == nil {
		return nil
	}
	if v := yamlnode.Value(n, "receiver"); v != nil && !names[v.Value] {
		return v
	}
	for _, c := range yamlnode.Items(yamlnode.Value(n, "routes")) {
		if bad := unknownReceiver(c, names); bad != nil {
			return bad
		}
	}
	return nil
}
