package main

import (
	"flag"
	"testing"
	"time"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// TestServeLimitFlags checks the query limits are PlanetScale's unless
// the flags change them, and 0 turns one off.
func TestServeLimitFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want emulator.Limits
	}{
		{nil, emulator.Limits{MaxRows: 100_000, DMLTimeout: 30 * time.Second, SelectTimeout: 900 * time.Second, TxTimeout: 20 * time.Second}},
		{[]string{"--max-rows", "0", "--transaction-timeout", "0", "--dml-timeout", "0", "--select-timeout", "0"},
			emulator.Limits{MaxRows: -1, DMLTimeout: -1, SelectTimeout: -1, TxTimeout: -1}},
		{[]string{"--max-rows", "10", "--dml-timeout", "2s", "--select-timeout", "3s", "--transaction-timeout", "1s"},
			emulator.Limits{MaxRows: 10, DMLTimeout: 2 * time.Second, SelectTimeout: 3 * time.Second, TxTimeout: time.Second}},
	} {
		var f serveFlags
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		f.register(fs)
		assert.NilError(t, fs.Parse(append([]string{"--token-id", "id", "--token", "secret"}, c.args...)))
		cfg, err := f.config(nil)
		assert.NilError(t, err)
		assert.DeepEqual(t, cfg.Limits, c.want)
	}
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	assert.NilError(t, fs.Parse([]string{"--token-id", "id", "--token", "secret", "--max-rows", "-1"}))
	_, err := f.config(nil)
	assert.ErrorContains(t, err, "must not be negative")
}
