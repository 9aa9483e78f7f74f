package emulator_test

import (
	"testing"

	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
)

// TestSelfApproval: with approval required, the creator may approve only as the only
// administrator, here the only service token (docs/design/emulator-deploy.md).
func TestSelfApproval(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []emulatortest.Option
		refuse bool
	}{
		{name: "several administrators", opts: []emulatortest.Option{emulatortest.WithRequireApproval(), withReviewer()}, refuse: true},
		{name: "the only administrator", opts: []emulatortest.Option{emulatortest.WithRequireApproval()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := emulatortest.Start(t, tc.opts...)
			d := drEnv{e: e, c: client(t, e)}
			d.branchWith(t, "feature", "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
			n := d.wait(t, d.open(t, "feature", true).Number, "ready").Number
			err := d.approve(t, d.c, n)
			if tc.refuse {
				assert.ErrorContains(t, err, "cannot approve your own deploy request")
				assert.Assert(t, !d.get(t, n).Approved)
				return
			}
			assert.NilError(t, err)
			assert.Assert(t, d.get(t, n).Approved)
			_, err = d.deploy(t, n)
			assert.NilError(t, err)
			d.wait(t, n, "complete")
		})
	}
}
