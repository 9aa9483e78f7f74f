package main

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Graph is one package's files and which names each uses from the others.
type Graph struct {
	Path  string                         // the package's import path
	Files []string                       // non-test files, by base name
	Uses  map[string]map[string][]string // file → file it uses → the names
}

// Load reads the package in dir (its non-test files) and links each file to
// the files that declare the package-level names, methods and fields it uses.
func Load(dir string) (*Graph, error) {
	gs, err := LoadAll(dir, ".")
	if err != nil {
		return nil, err
	}
	return gs[0], nil
}

// LoadAll reads the packages that patterns name, from dir, as Load does.
func LoadAll(dir string, patterns ...string) ([]*Graph, error) {
	cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
		packages.NeedTypes | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	var gs []*Graph
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return nil, fmt.Errorf("load %s: %v", p.PkgPath, p.Errors)
		}
		gs = append(gs, graphOf(p))
	}
	return gs, nil
}

// graphOf links the files of one loaded package.
func graphOf(p *packages.Package) *Graph {
	g := &Graph{Path: p.PkgPath, Uses: map[string]map[string][]string{}}
	for _, f := range p.Syntax {
		from := filepath.Base(p.Fset.Position(f.Pos()).Filename)
		g.Files = append(g.Files, from)
		ast.Inspect(f, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := p.TypesInfo.Uses[id]
			if obj == nil || obj.Pkg() != p.Types || !declaredAtTop(obj, p.Types.Scope()) {
				return true
			}
			to := filepath.Base(p.Fset.Position(obj.Pos()).Filename)
			if to == from || strings.HasSuffix(to, "_test.go") {
				return true
			}
			if g.Uses[from] == nil {
				g.Uses[from] = map[string][]string{}
			}
			if !slices.Contains(g.Uses[from][to], id.Name) {
				g.Uses[from][to] = append(g.Uses[from][to], id.Name)
			}
			return true
		})
	}
	sort.Strings(g.Files)
	return g
}

// declaredAtTop reports whether obj is a package-level name, a method or a
// field: what one file can take from another.
func declaredAtTop(obj types.Object, pkg *types.Scope) bool {
	switch o := obj.(type) {
	case *types.Func:
		return true
	case *types.Var:
		return o.IsField() || o.Parent() == pkg
	case *types.TypeName, *types.Const:
		return obj.Parent() == pkg
	}
	return false
}

// Loops returns the sets of files that use each other in a circle, each
// sorted, found by Tarjan's strongly connected components.
func (g *Graph) Loops() [][]string {
	index, low, on := map[string]int{}, map[string]int{}, map[string]bool{}
	var stack []string
	var loops [][]string
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = len(index), len(index)
		stack = append(stack, v)
		on[v] = true
		for _, w := range sortedKeys(g.Uses[v]) {
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var loop []string
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			on[w] = false
			loop = append(loop, w)
			if w == v {
				break
			}
		}
		if len(loop) > 1 {
			sort.Strings(loop)
			loops = append(loops, loop)
		}
	}
	for _, f := range g.Files {
		if _, seen := index[f]; !seen {
			visit(f)
		}
	}
	return loops
}

// Floors places each file one floor above the highest file it uses, files
// in a loop sharing their floor; floor 1 uses no other file.
func (g *Graph) Floors() map[string]int {
	group := map[string]string{}
	for _, l := range g.Loops() {
		for _, f := range l {
			group[f] = l[0]
		}
	}
	rep := func(f string) string {
		if r, ok := group[f]; ok {
			return r
		}
		return f
	}
	floor := map[string]int{}
	var place func(f string) int
	place = func(f string) int {
		r := rep(f)
		if n, ok := floor[r]; ok {
			return n
		}
		floor[r] = 1 // a loop's members do not lift each other
		n := 1
		for _, member := range g.Files {
			if rep(member) != r {
				continue
			}
			for to := range g.Uses[member] {
				if rep(to) != r {
					n = max(n, place(to)+1)
				}
			}
		}
		floor[r] = n
		return n
	}
	out := map[string]int{}
	for _, f := range g.Files {
		out[f] = place(f)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
