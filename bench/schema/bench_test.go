package main

import (
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestLaterCases(t *testing.T) {
	t.Parallel()
	assert.DeepEqual(t, laterCases(1, 2), []string{caseUnchanged, caseChanged, caseUnchanged, caseChanged})
	assert.DeepEqual(t, laterCases(2, 1), []string{caseChanged, caseUnchanged})
}

func TestParseOutputs(t *testing.T) {
	t.Parallel()
	got := parseOutputs("PSFLOW_OUT_RESULT=changed\nPSFLOW_OUT_REASON='created 2 tables, it'\\''s'\nOTHER=x\nPSFLOW_BRANCH=pr-1\nPSFLOW_OUT_ROWS=300\n")
	assert.DeepEqual(t, got, map[string]string{"RESULT": "changed", "REASON": "created 2 tables, it's", "ROWS": "300"})
}

func TestExpect(t *testing.T) {
	t.Parallel()
	b := &bench{set: schemaSet{tables: make([]table, 3), views: make([]view, 1), rows: 30}}
	assert.NilError(t, b.expect(caseFresh, false, map[string]string{"CHANGES": "4", "REASON": "created 3 tables, created 1 views"}))
	assert.NilError(t, b.expect(caseUnchanged, true, map[string]string{"RESULT": "unchanged", "CHANGES": "0", "ROWS": "30"}))
	assert.ErrorContains(t, b.expect(caseChanged, false, map[string]string{"CHANGES": "2", "REASON": "rebuilt 2 tables"}), "psflow output")
	assert.ErrorContains(t, b.expect(caseUnchanged, true, map[string]string{"RESULT": "unchanged", "CHANGES": "0", "ROWS": "0"}), `ROWS is "0", not "30"`)
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	var results []result
	for i := 1; i <= 10; i++ {
		results = append(results, result{cas: caseUnchanged, wall: time.Duration(i) * time.Second})
	}
	results = append(results, result{cas: caseClient, wall: time.Second}, result{cas: caseFresh, data: true, wall: 3 * time.Second})
	sums := summarize(results)
	assert.Equal(t, len(sums), 3)
	assert.Check(t, is.Equal(sums[0].cas, caseUnchanged))
	assert.Check(t, is.Equal(sums[0].median, 5*time.Second))
	assert.Check(t, is.Equal(sums[0].p90, 9*time.Second))
	assert.Check(t, is.Equal(sums[0].max, 10*time.Second))
	assert.Check(t, is.Equal(sums[1].cas, caseFresh))
	assert.Check(t, sums[1].data)
	assert.Check(t, is.Equal(sums[2].cas, caseClient))
}

func TestFirstDifference(t *testing.T) {
	t.Parallel()
	a := map[string]string{"table a": "x", "table b": "y"}
	_, ok := firstDifference(a, map[string]string{"table a": "x", "table b": "y"})
	assert.Check(t, !ok)
	name, ok := firstDifference(a, map[string]string{"table a": "x", "table b": "z"})
	assert.Check(t, ok)
	assert.Check(t, is.Equal(name, "table b"))
	name, _ = firstDifference(a, map[string]string{"table a": "x", "table b": "y", "table 0": "w"})
	assert.Check(t, is.Equal(name, "table 0"))
}
