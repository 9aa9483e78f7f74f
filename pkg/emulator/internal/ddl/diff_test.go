package ddl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/golden"
)

var flavors = []string{"gms", "mariadb"}

// inputPath names the captured SHOW CREATE sample of a case's side ("base" or
// "branch"); the cases whose side is the plain shop schema share one.
func inputPath(flavor string, tc diffCase, side string) string {
	stmts, name := tc.base, tc.name+".base"
	if side == "branch" {
		stmts, name = tc.branch, tc.name+".branch"
	}
	if slices.Equal(stmts, shop()) {
		name = "shop"
	}
	return filepath.Join("testdata", flavor, name+".sql")
}

func readInputs(t *testing.T, flavor string, tc diffCase, side string) []string {
	t.Helper()
	sampleWrites.Lock()
	defer sampleWrites.Unlock()
	b, err := os.ReadFile(inputPath(flavor, tc, side))
	assert.NilError(t, err, "missing sample: run the tests with -update and PSFLOW_TEST_MYSQL_DSN set")
	return splitStatements(string(b))
}

// sampleWrites serialises reading and (with -update) writing shared samples.
var sampleWrites sync.Mutex

func writeInputs(t *testing.T, flavor string, tc diffCase, side string, stmts []string) {
	t.Helper()
	sampleWrites.Lock()
	defer sampleWrites.Unlock()
	path := inputPath(flavor, tc, side)
	assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	assert.NilError(t, os.WriteFile(path, []byte(joinStatements(stmts)), 0o644))
}

// formatPlan renders a plan for golden files.
func formatPlan(p Plan) string {
	var b strings.Builder
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "-- %s %s destructive=%t\n%s;\n\n", c.Kind, c.Name, c.Destructive, c.Statement)
	}
	return b.String()
}

func assertPlanShape(t *testing.T, p Plan, want []wantChange) {
	t.Helper()
	var got []wantChange
	destructive := false
	for _, c := range p.Changes {
		got = append(got, wantChange{c.Kind, c.Name, c.Destructive})
		destructive = destructive || c.Destructive
		assert.Assert(t, !strings.HasSuffix(strings.TrimSpace(c.Statement), ";"), c.Statement)
	}
	assert.DeepEqual(t, got, want)
	assert.Equal(t, p.Empty(), len(want) == 0)
	assert.Equal(t, p.Destructive(), destructive)
	assert.Equal(t, len(p.Statements()), len(want))
}

// TestDiff checks each case's samples against its golden plan and, on each live
// server, that the plan applied to the base leaves nothing to diff with the branch.
func TestDiff(t *testing.T) {
	live := map[string]testServer{}
	for _, s := range servers(t) {
		live[s.flavor] = s
	}
	for _, flavor := range flavors {
		for _, tc := range diffCases {
			t.Run(flavor+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				if srv, ok := live[flavor]; ok {
					applyOnServer(t, srv, tc)
				}
				base := readInputs(t, flavor, tc, "base")
				branch := readInputs(t, flavor, tc, "branch")
				plan, err := Diff(base, branch)
				assert.NilError(t, err)
				assertPlanShape(t, plan, tc.want)
				golden.Assert(t, formatPlan(plan), filepath.Join(flavor, tc.name+".plan.golden"))
			})
		}
	}
}

// applyOnServer proves a plan is valid DDL that reaches the branch schema.
func applyOnServer(t *testing.T, srv testServer, tc diffCase) {
	t.Helper()
	baseDB := srv.load(t, tc.base)
	branchDB := srv.load(t, tc.branch)
	base, branch := baseDB.schema(t), branchDB.schema(t)
	if golden.FlagUpdate() {
		writeInputs(t, srv.flavor, tc, "base", base)
		writeInputs(t, srv.flavor, tc, "branch", branch)
	}
	plan, err := Diff(base, branch)
	assert.NilError(t, err)
	assertPlanShape(t, plan, tc.want)

	assert.NilError(t, baseDB.exec(plan.Statements()...), "%s: apply plan", srv.flavor)
	after := baseDB.schema(t)
	rest, err := Diff(after, branch)
	assert.NilError(t, err)
	assert.Assert(t, rest.Empty(), "%s: after applying the plan the schemas still differ:\n%s", srv.flavor, formatPlan(rest))
}

func TestDiffErrors(t *testing.T) {
	t.Parallel()
	valid := "CREATE TABLE `ok` (`id` int NOT NULL, PRIMARY KEY (`id`))"
	tests := []struct {
		name     string
		base     []string
		branch   []string
		contains []string
		target   error
	}{
		{
			name:     "syntax error names the table",
			base:     []string{valid},
			branch:   []string{valid, "CREATE TABLE `broken` (`id` int NOT NULL,, PRIMARY KEY (`id`))"},
			contains: []string{"branch schema", "table `broken`", "syntax error"},
		},
		{
			name:     "MariaDB-only type",
			base:     []string{"CREATE TABLE `ids` (\n  `u` uuid NOT NULL,\n  PRIMARY KEY (`u`)\n) ENGINE=InnoDB"},
			contains: []string{"base schema", "table `ids`"},
		},
		{
			name:     "garbage is quoted",
			base:     []string{"this is not sql at all"},
			contains: []string{`"this is not sql at all"`},
		},
		{
			name:     "unsupported statement",
			branch:   []string{"CREATE INDEX i ON ok (id)"},
			contains: []string{"only CREATE TABLE and CREATE VIEW"},
			target:   ErrUnsupportedStatement,
		},
		{
			name:     "foreign key to a missing table",
			branch:   []string{"CREATE TABLE `c` (`id` int NOT NULL, `p` int, PRIMARY KEY (`id`), KEY (`p`), CONSTRAINT `f` FOREIGN KEY (`p`) REFERENCES `nope` (`id`))"},
			contains: []string{"branch schema", "nonexistent table `nope`"},
		},
		{
			name:     "duplicate table",
			base:     []string{valid, valid},
			contains: []string{"base schema", "ok"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Diff(tc.base, tc.branch)
			assert.Assert(t, err != nil)
			for _, s := range tc.contains {
				assert.Assert(t, is.Contains(err.Error(), s))
			}
			if tc.target != nil {
				assert.Assert(t, errors.Is(err, tc.target), err)
			}
		})
	}
}

func TestStatementErrorUnwraps(t *testing.T) {
	t.Parallel()
	_, err := Diff([]string{"CREATE TABLE `t` (oops)"}, nil)
	var se *StatementError
	assert.Assert(t, errors.As(err, &se))
	assert.Equal(t, se.Statement, "CREATE TABLE `t` (oops)")
	assert.Assert(t, se.Unwrap() != nil)
}
