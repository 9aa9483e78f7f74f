package seedbranch

import (
	"testing"

	"gotest.tools/v3/assert"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	f := func(path, sum string) seedFile { return seedFile{Path: path, Sum: sum} }
	a := func(path, sum string) appliedFile { return appliedFile{File: path, Sum: sum, Status: statusOK} }
	base := &snapshot{}
	for _, tc := range []struct {
		name   string
		h      history
		files  []seedFile
		result string
		why    string
		apply  []string
	}{
		{
			name: "first run", h: history{}, files: []seedFile{f("001.sql", "x")},
			result: resultApplied, why: "first run on this branch", apply: []string{"001.sql"},
		},
		{
			name: "nothing new", h: history{base: base, applied: []appliedFile{a("001.sql", "x"), a("002.sql", "y")}},
			files:  []seedFile{f("001.sql", "x"), f("002.sql", "y")},
			result: resultSkipped, why: "all 2 files were applied before and are unchanged",
		},
		{
			name: "a new file after the applied ones", h: history{base: base, applied: []appliedFile{a("001.sql", "x")}},
			files:  []seedFile{f("001.sql", "x"), f("003.sql", "z")},
			result: resultApplied, why: "003.sql is new and sorts after every applied file", apply: []string{"003.sql"},
		},
		{
			name: "an applied file changed", h: history{base: base, applied: []appliedFile{a("001.sql", "x"), a("002.sql", "y")}},
			files:  []seedFile{f("001.sql", "x2"), f("002.sql", "y")},
			result: resultReset, why: "001.sql changed since it was applied", apply: []string{"001.sql", "002.sql"},
		},
		{
			name: "an applied file removed", h: history{base: base, applied: []appliedFile{a("001.sql", "x"), a("002.sql", "y")}},
			files:  []seedFile{f("001.sql", "x")},
			result: resultReset, why: "002.sql was applied and is gone", apply: []string{"001.sql"},
		},
		{
			name: "a new file sorting before an applied one", h: history{base: base, applied: []appliedFile{a("002.sql", "y")}},
			files:  []seedFile{f("001.sql", "x"), f("002.sql", "y")},
			result: resultReset, why: "001.sql is new and sorts before 002.sql, which was applied", apply: []string{"001.sql", "002.sql"},
		},
		{
			name: "a failed run", h: history{base: base, applied: []appliedFile{a("001.sql", "x"), {File: "002.sql", Sum: "y", Status: statusFailed}}},
			files:  []seedFile{f("001.sql", "x"), f("002.sql", "y")},
			result: resultReset, why: "the run applying 002.sql did not finish (failed)", apply: []string{"001.sql", "002.sql"},
		},
		{
			name: "a killed run", h: history{base: base, applied: []appliedFile{{File: "001.sql", Sum: "x", Status: statusRunning}}},
			files:  []seedFile{f("001.sql", "x")},
			result: resultReset, why: "the run applying 001.sql did not finish (running)", apply: []string{"001.sql"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := decide(tc.h, tc.files)
			assert.Equal(t, p.result, tc.result)
			assert.Equal(t, p.why, tc.why)
			var got []string
			for _, f := range p.files {
				got = append(got, f.Path)
			}
			assert.DeepEqual(t, got, tc.apply)
			assert.Equal(t, p.first, tc.h.base == nil)
		})
	}
}
