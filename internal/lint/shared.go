package lint

import "sync"

// Shared is a result that checks share, typed by what it is computed from
// (K) and what it holds (V): computed once per key on first use and kept for
// the project's run, as the analysis framework's Requires and ResultOf let
// analyzers share work. Declare one as a package variable:
//
//	var evaluation = &lint.Shared[*lint.Expr, []Annotation]{Name: "engine evaluation", Compute: evaluate}
//	annotations := evaluation.Get(pass.Project, expr)
type Shared[K comparable, V any] struct {
	// Name says what the result is, for a reader.
	Name string
	// Compute makes the result for one key.
	Compute func(p *Project, key K) V
}

// Get returns the result for key, computing it on first use.
func (s *Shared[K, V]) Get(p *Project, key K) V {
	k := sharedKey{result: s, key: key}
	if v, ok := p.shared.load(k); ok {
		return v.(V)
	}
	v := s.Compute(p, key)
	p.shared.store(k, v)
	return v
}

// sharedKey names one result of one Shared.
type sharedKey struct {
	result any
	key    any
}

// sharedStore holds a project's shared results.
type sharedStore struct {
	mu sync.Mutex
	m  map[sharedKey]any
}

func (s *sharedStore) load(k sharedKey) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

func (s *sharedStore) store(k sharedKey, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[sharedKey]any{}
	}
	s.m[k] = v
}
