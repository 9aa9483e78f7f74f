package reporteddiff

import (
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestReportedRoundTrips(t *testing.T) {
	t.Parallel()
	cases := []Record{
		New(3, []string{"CREATE TABLE `t` (`id` int)", "DROP TABLE `u`"}, []string{"drops table `u`"}),
		New(1, nil, nil),
	}
	for _, r := range cases {
		back, err := Parse(r.String())
		assert.NilError(t, err)
		assert.DeepEqual(t, back, r)
	}
	assert.Equal(t, New(1, nil, nil).String(), "v2 dr=1 statements= destructive=")
	long := "ALTER TABLE `users` ADD COLUMN `biography_of_the_user_in_full` TEXT, ADD COLUMN `x` int"
	r := New(2, []string{"DROP TABLE `a`", long}, nil)
	assert.DeepEqual(t, r.Texts, []string{"DROP TABLE `a`", "ALTER TABLE `users` ADD COLUMN `biography_of_the_user_in_ful…"})
	assert.Check(t, is.Contains(r.String(), "v2 dr=2 statements="+digest("DROP TABLE `a`")+"~RFJPUCBUQUJMRSBgYWA,"))
}

// A record written before statements' texts were kept still reads, and
// names what is gone by its digest.
func TestReportedReadsVersion1(t *testing.T) {
	t.Parallel()
	d := digest("DROP TABLE `a`")
	r, err := Parse("v1 dr=3 statements=" + d + " destructive=")
	assert.NilError(t, err)
	assert.DeepEqual(t, r.Statements, []string{d})
	assert.DeepEqual(t, r.Compare(nil, nil).Gone, []string{"statement " + d[:12]})
}

func TestParseReportedRefusesWhatItDidNotWrite(t *testing.T) {
	t.Parallel()
	d := strings.Repeat("ab", 16)
	cases := []struct{ in, msg string }{
		{"", "is not a record written by open-deploy-request"},
		{"v3 dr=1 statements= destructive=", "is not a record written by open-deploy-request"},
		{"v2 dr=1 statements=" + d + " destructive=", "is not a statement entry of a v2 record"},
		{"v1 dr=1 statements=" + d + "~eA destructive=", "is not a statement entry of a v1 record"},
		{"v2 dr=1 statements=" + d + "~!! destructive=", `"!!" is not the text of a statement`},
		{"v1 dr=0 statements= destructive=", `"0" is not a deploy request number`},
		{"v1 number=1 statements= destructive=", "want dr= in field 2"},
		{"v1 dr=1 statements=xyz destructive=", `"xyz" is not a statement digest`},
		{"v1 dr=1 statements=" + d + "," + d[:30] + " destructive=", "is not a statement digest"},
		{"v1 dr=1 destructive= statements=", "want statements= in field 3"},
	}
	for _, tc := range cases {
		_, err := Parse(tc.in)
		assert.Check(t, is.ErrorContains(err, tc.msg), tc.in)
	}
}

func TestReportedCompare(t *testing.T) {
	t.Parallel()
	a, b, drop := "CREATE TABLE `a` (`id` int)", "ALTER TABLE `b` ADD COLUMN `x` int", "DROP TABLE `alpha`"
	rec := New(2, []string{a, b}, nil)
	cases := []struct {
		name        string
		stmts, dest []string
		want        Change
	}{
		{"same", []string{a, b}, nil, Change{}},
		{"same with blanks around", []string{" " + a + "\n", b}, nil, Change{}},
		{"new statement", []string{a, b, drop}, []string{"drops table `alpha`"}, Change{New: []string{drop}, Destructive: []string{"drops table `alpha`"}}},
		{"replaced", []string{a, drop}, nil, Change{New: []string{drop}, Gone: []string{b}}},
		{"gone", []string{a}, nil, Change{Gone: []string{b}}},
		{"reordered", []string{b, a}, nil, Change{Reordered: true}},
		{"repeated", []string{a, a, b}, nil, Change{New: []string{a}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := rec.Compare(tc.stmts, tc.dest)
			assert.DeepEqual(t, got, tc.want)
			assert.Equal(t, got.Changed(), tc.name != "same" && tc.name != "same with blanks around")
		})
	}
}
