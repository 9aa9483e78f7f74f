package runctx_test

import (
	"testing"

	"github.com/psflow/psflow/pkg/runctx"
	"gotest.tools/v3/assert"
)

// readCase is one environment and what Read must make of it.
type readCase struct {
	name string
	env  map[string]string
	want runctx.Context
	err  string // when set, Read must fail with an error containing it
}

// runCases runs each case in parallel against runctx.Read.
func runCases(t *testing.T, cases []readCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := runctx.Read(func(k string) string { return c.env[k] })
			if c.err != "" {
				assert.ErrorContains(t, err, c.err)
				return
			}
			assert.NilError(t, err)
			assert.DeepEqual(t, got, c.want)
		})
	}
}

// with returns base with extra set (an empty value deletes the key).
func with(base map[string]string, extra map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		if v == "" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}
