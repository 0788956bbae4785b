package rulefile

// Unit is one rule file as Prometheus loads it: a plain rule file, or the
// groups of one PrometheusRule resource (the operator writes each
// resource's spec.groups to a rule file of its own). Group names are unique
// within a unit; two units of one file may share a group name.
type Unit struct {
	// ID names the unit to Prometheus's rule manager, which keys groups by
	// it and the group name (rules.Group.File returns it). It is Path when
	// the file is one unit (a plain file, or one PrometheusRule), and
	// Path#namespace/name for each resource of a file holding several.
	ID string
	// Path is the file the unit is written in.
	Path string
	// Resource is the PrometheusRule ("namespace/name", or "name" without
	// a namespace), empty for a plain file.
	Resource string
}

// Units returns the file's units in file order: the file itself, or one
// per PrometheusRule resource when it holds several.
func (f *File) Units() []Unit {
	var resources []string
	seen := map[string]bool{}
	for _, g := range f.Groups {
		if !seen[g.Resource] {
			seen[g.Resource] = true
			resources = append(resources, g.Resource)
		}
	}
	if len(resources) <= 1 {
		u := Unit{ID: f.Path, Path: f.Path}
		if len(resources) == 1 {
			u.Resource = resources[0]
		}
		return []Unit{u}
	}
	out := make([]Unit, len(resources))
	for i, r := range resources {
		out[i] = Unit{ID: f.Path + "#" + r, Path: f.Path, Resource: r}
	}
	return out
}

// UnitOf returns the unit the group belongs to.
func (f *File) UnitOf(g Group) Unit {
	us := f.Units()
	for _, u := range us {
		if u.Resource == g.Resource {
			return u
		}
	}
	return us[0]
}

// UnitGroups returns the groups of the unit.
func (f *File) UnitGroups(u Unit) []Group {
	if len(f.Units()) == 1 {
		return f.Groups
	}
	var out []Group
	for _, g := range f.Groups {
		if g.Resource == u.Resource {
			out = append(out, g)
		}
	}
	return out
}

// severalUnits is Loader.Load's error for the path of a file that holds
// several PrometheusRules: each is loaded by its unit's ID, so that their
// groups cannot shadow each other.
const severalUnits = "holds several PrometheusRules: each is loaded as a rule file of its own (Loader.Units)"

// Units loads the file at path and returns its units, which Load then
// serves by ID.
func (l *Loader) Units(path string) ([]Unit, error) {
	f, err := l.File(path)
	if err != nil {
		return nil, err
	}
	us := f.Units()
	l.mtx.Lock()
	defer l.mtx.Unlock()
	if l.units == nil {
		l.units = map[string]Unit{}
	}
	for _, u := range us {
		l.units[u.ID] = u
	}
	return us, nil
}

// Unit returns the unit whose ID is id (a rules.Group's File), as Units
// returned it; any other id is taken as the path of a file that is one
// unit.
func (l *Loader) Unit(id string) Unit {
	if u, ok := l.unit(id); ok {
		return u
	}
	return Unit{ID: id, Path: id}
}

func (l *Loader) unit(id string) (Unit, bool) {
	l.mtx.Lock()
	u, ok := l.units[id]
	base := l.base
	l.mtx.Unlock()
	if !ok && base != nil {
		return base.unit(id)
	}
	return u, ok
}
