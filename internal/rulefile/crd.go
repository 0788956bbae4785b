package rulefile

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/prometheus/model/rulefmt"
	"go.yaml.in/yaml/v3"

	"github.com/codevaldcortex/rulecheck/internal/yamlnode"
)

var crdAPIVersion = monitoringv1.SchemeGroupVersion.String()

// parseCRD reads PrometheusRule resources: one document, several "---"
// documents, or a List (kind List or PrometheusRuleList) of them. The
// operator writes each resource's spec.groups as a rule file of its own;
// the groups are validated here as Prometheus validates that file, with
// positions that point into the resource the user wrote. So a group name
// must be unique within one resource, not across the resources of the file:
// two resources may each have a group "g", and Prometheus loads both.
func parseCRD(path string, content []byte, opts Options) (*File, error) {
	docs, err := splitDocuments(path, content)
	if err != nil {
		return nil, err
	}
	f := &File{Path: path, Kind: CRD}
	var errs Errors
	// seen holds, per resource and group name, where the group is first
	// written: a resource written twice in one file (the same namespace
	// and name) is one object, and its groups one rule file.
	seen := map[[2]string]Pos{}
	add := func(obj *yaml.Node) {
		gs, err := parseResource(path, obj, opts)
		if err != nil {
			if es, ok := err.(Errors); ok {
				errs = append(errs, es...)
			} else {
				errs = append(errs, err)
			}
			return
		}
		for _, g := range gs {
			// Prometheus keys groups by rule file and name; within the rule
			// file of one resource, a repeated name would shadow a group.
			key := [2]string{g.Resource, g.Name}
			if first, dup := seen[key]; dup {
				msg := fmt.Sprintf("group %q is already defined at line %d of this file, in the same PrometheusRule %s", g.Name, first.Line, g.Resource)
				if first == g.Pos {
					msg = fmt.Sprintf("group %q is defined twice in PrometheusRule %s: a YAML alias repeats it", g.Name, g.Resource)
				}
				errs = append(errs, errAt(path, g.Pos, ErrDuplicateGroup, msg))
				continue
			}
			seen[key] = g.Pos
			f.Groups = append(f.Groups, g)
		}
	}
	docs, f.Skipped = skipOtherKinds(docs)
	for _, doc := range docs {
		obj := yamlnode.Mapping(doc)
		if obj == nil {
			errs = append(errs, errAt(path, nodePos(yamlnode.Content(doc)), ErrCRD, "expected a Kubernetes object (a mapping with apiVersion and kind)"))
			continue
		}
		kind := yamlnode.Value(obj, "kind")
		if kind != nil && (kind.Value == "List" || kind.Value == "PrometheusRuleList") {
			items := yamlnode.Value(obj, "items")
			if items == nil || items.Kind != yaml.SequenceNode {
				errs = append(errs, errAt(path, nodePos(obj), ErrCRD, kind.Value+" without an items list"))
				continue
			}
			for _, it := range items.Content {
				add(it)
			}
			continue
		}
		add(obj)
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
}

// skipOtherKinds drops the objects of other kinds (a ConfigMap, a Service)
// from a bundle that holds at least one PrometheusRule, as "helm template"
// and "kustomize build" write them. A file with no PrometheusRule at all
// keeps them, so that it is refused as not being one.
func skipOtherKinds(docs []*yaml.Node) (rules []*yaml.Node, skipped []SkippedObject) {
	kindOf := func(doc *yaml.Node) string {
		if k := yamlnode.Value(yamlnode.Mapping(doc), "kind"); k != nil {
			return k.Value
		}
		return ""
	}
	isRules := func(k string) bool { return k == "PrometheusRule" || k == "List" || k == "PrometheusRuleList" }
	if !slices.ContainsFunc(docs, func(d *yaml.Node) bool { return isRules(kindOf(d)) }) {
		return docs, nil
	}
	for _, doc := range docs {
		k := kindOf(doc)
		if k == "" || isRules(k) {
			rules = append(rules, doc)
			continue
		}
		skipped = append(skipped, SkippedObject{Pos: nodePos(yamlnode.Mapping(doc)), Kind: k})
	}
	return rules, skipped
}

// ruleNodes mirrors the spec's structure with rulefmt's node types.
type ruleNodes struct {
	Groups []struct {
		Name  yaml.Node          `yaml:"name"`
		Rules []rulefmt.RuleNode `yaml:"rules"`
	} `yaml:"groups"`
}

func parseResource(path string, obj *yaml.Node, opts Options) ([]Group, error) {
	at := nodePos(obj)
	if obj.Kind != yaml.MappingNode {
		return nil, errAt(path, at, ErrCRD, "expected a PrometheusRule object")
	}
	api, kind := yamlnode.Value(obj, "apiVersion"), yamlnode.Value(obj, "kind")
	switch {
	case kind == nil:
		return nil, errAt(path, at, ErrCRD, "missing kind: expected kind: PrometheusRule")
	case kind.Value != "PrometheusRule":
		return nil, errAt(path, nodePos(kind), ErrCRD, fmt.Sprintf("kind %q is not PrometheusRule", kind.Value))
	case api == nil:
		return nil, errAt(path, at, ErrCRD, "missing apiVersion: expected apiVersion: "+crdAPIVersion)
	case api.Value != crdAPIVersion:
		return nil, errAt(path, nodePos(api), ErrCRD, fmt.Sprintf("apiVersion %q is not %s", api.Value, crdAPIVersion))
	}
	if !opts.IgnoreUnknownFields {
		if errs := unknownFields(path, obj, reflect.TypeFor[monitoringv1.PrometheusRule](), ""); len(errs) > 0 {
			return nil, errs
		}
	}
	// Decode with the operator's own types, as the API server would, to catch
	// wrong types.
	var generic any
	if err := obj.Decode(&generic); err != nil {
		return nil, yamlError(path, err, at)
	}
	js, err := json.Marshal(generic)
	if err != nil {
		return nil, errAt(path, at, ErrCRD, err.Error())
	}
	var pr monitoringv1.PrometheusRule
	if err := json.Unmarshal(js, &pr); err != nil {
		return nil, errAt(path, at, ErrCRD, "invalid PrometheusRule: "+strings.TrimPrefix(err.Error(), "json: "))
	}
	meta := yamlnode.Value(obj, "metadata")
	if pr.Name == "" {
		return nil, errAt(path, valuePosOr(meta, obj), ErrCRD, "PrometheusRule without metadata.name")
	}
	resource := pr.Name
	if pr.Namespace != "" {
		resource = pr.Namespace + "/" + pr.Name
	}
	spec := yamlnode.Value(obj, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		return nil, errAt(path, at, ErrCRD, fmt.Sprintf("PrometheusRule %s has no spec", resource))
	}
	var rgs rulefmt.RuleGroups
	if err := spec.Decode(&rgs); err != nil {
		return nil, yamlError(path, err, nodePos(spec))
	}
	var nodes ruleNodes
	if err := spec.Decode(&nodes); err != nil {
		return nil, yamlError(path, err, nodePos(spec))
	}
	var errs Errors
	groupsNode := yamlnode.Value(spec, "groups")
	seen := map[string]bool{}
	out := make([]Group, 0, len(rgs.Groups))
	for i, g := range rgs.Groups {
		if i >= len(nodes.Groups) {
			break
		}
		gn := nodes.Groups[i]
		groupNode := yamlnode.Item(groupsNode, i)
		gpos := nodePos(groupNode)
		if groupNode == nil {
			gpos = nodePos(spec)
		}
		errs = append(errs, groupErrors(path, g, groupNode, seen, "PrometheusRule "+resource, opts)...)
		grp := Group{RuleGroup: g, Pos: nodePos(&gn.Name), Resource: resource}
		if gn.Name.Line == 0 {
			grp.Pos = gpos
		}
		rulesNode := yamlnode.Value(groupNode, "rules")
		for j, r := range g.Rules {
			if j >= len(gn.Rules) {
				break
			}
			ruleNode := yamlnode.Item(rulesNode, j)
			rpos := nodePos(ruleNode)
			if ruleNode == nil {
				rpos = gpos
			}
			grp.RulePos = append(grp.RulePos, rpos)
			grp.ExprPos = append(grp.ExprPos, valuePosOr(yamlnode.Value(ruleNode, "expr"), ruleNode))
			if ruleNode == nil {
				grp.ExprPos[len(grp.ExprPos)-1] = rpos
			}
			for _, werr := range r.Validate(gn.Rules[j], opts.scheme(), opts.parser()) {
				name := r.Alert
				if name == "" {
					name = r.Record
				}
				errs = append(errs, ruleError(path, &rulefmt.Error{Group: g.Name, Rule: j + 1, RuleName: name, Err: werr}, rpos))
			}
		}
		out = append(out, grp)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func valuePosOr(n, fallback *yaml.Node) Pos {
	if n != nil {
		return nodePos(n)
	}
	return nodePos(fallback)
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// unknownFields walks a YAML node alongside the Go type it decodes into and
// reports every mapping key the type has no JSON field for, with its
// position. The API server rejects such fields; a plain JSON decode would
// drop them silently.
func unknownFields(path string, n *yaml.Node, t reflect.Type, where string) Errors {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return nil
	}
	var errs Errors
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // a type error, reported by the typed decode
		}
		fields := jsonFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Tag == "!!merge" {
				// "<<: *anchor" merges a mapping in; its keys are checked
				// where the anchor is written.
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				errs = append(errs, errAt(path, nodePos(k), ErrCRD, fmt.Sprintf("unknown field %q%s", k.Value, inWhere(where))))
				continue
			}
			errs = append(errs, unknownFields(path, n.Content[i+1], ft, join(where, k.Value))...)
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 1; i < len(n.Content); i += 2 {
				errs = append(errs, unknownFields(path, n.Content[i], t.Elem(), where)...)
			}
		}
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				errs = append(errs, unknownFields(path, c, t.Elem(), fmt.Sprintf("%s[%d]", where, i))...)
			}
		}
	}
	return errs
}

func inWhere(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// jsonFields maps JSON names to field types, flattening inline and embedded
// structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, rest, _ := strings.Cut(tag, ",")
		if (name == "" && f.Anonymous) || strings.Contains(rest, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
