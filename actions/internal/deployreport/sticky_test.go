package deployreport

import (
	"testing"

	"github.com/psflow/psflow/actions/internal/reporteddiff"
	"gotest.tools/v3/assert"
)

func TestRecordIn(t *testing.T) {
	t.Parallel()
	rec := reporteddiff.New(4, []string{"DROP TABLE `a`"}, nil)
	line := recordLine("app", "pr-4", rec)
	prefix := recordPrefix + "deploy-request:app:pr-4 "
	cases := []struct {
		name, body string
		ok         bool
	}{
		{"sticky comment", "<!-- psflow:deploy-request:app:pr-4 -->\n<!-- psflow-digest:sha256:00 -->\n" + line + "\n### title", true},
		{"not a psflow comment", "looks fine\n" + line, false},
		{"another branch", "<!-- psflow:deploy-request:app:pr-5 -->\n" + recordLine("app", "pr-5", rec), false},
		{"no record", "<!-- psflow:deploy-request:app:pr-4 -->\n### title", false},
	}
	for _, tc := range cases {
		got, ok := recordIn(tc.body, prefix)
		assert.Equal(t, ok, tc.ok, tc.name)
		if ok {
			assert.Equal(t, got, rec.String(), tc.name)
		}
	}
}
