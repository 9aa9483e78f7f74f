package seedbranch_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/psflow/psflow/internal/actiontest"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// seedFile writes a one-statement seed file and returns its path.
func seedFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.sql")
	assert.NilError(t, os.WriteFile(path, []byte("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY);\n"), 0o600))
	return path
}

func TestSeedBranchTLS(t *testing.T) {
	t.Parallel()
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	assert.NilError(t, os.WriteFile(notPEM, []byte("hello"), 0o600))
	cases := []struct {
		name     string
		insecure bool
		env      map[string]string // over actiontest.Env; "" removes
		args     []string
		exit     int
		out      string
	}{
		{name: "the edge refuses plaintext", env: map[string]string{"PSFLOW_MYSQL_CA": ""}, exit: 1,
			out: "client must use SSL/TLS ; the server requires TLS: set tls: true, and mysql_ca"},
		{name: "an insecure edge takes plaintext on loopback", insecure: true, env: map[string]string{"PSFLOW_MYSQL_CA": ""},
			out: "TLS off"},
		{name: "an insecure edge still verifies TLS with mysql_ca", insecure: true,
			out: "TLS on, verified with the system roots and mysql_ca"},
		{name: "mysql_ca and tls false", args: []string{"--tls", "false"}, exit: 2,
			out: "input mysql_ca requires TLS, and tls is false"},
		{name: "mysql_ca without a certificate", env: map[string]string{"PSFLOW_MYSQL_CA": notPEM}, exit: 2,
			out: "input mysql_ca: " + notPEM + ": no PEM certificate"},
		{name: "tls true without mysql_ca trusts the system roots only", args: []string{"--tls", "true"}, env: map[string]string{"PSFLOW_MYSQL_CA": ""}, exit: 1,
			out: "certificate signed by unknown authority"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var opts []emulatortest.Option
			if c.insecure {
				opts = append(opts, emulatortest.WithInsecureMySQL())
			}
			em := emulatortest.Start(t, opts...)
			env := newBranch(t, em, "pr-1")
			for k, v := range c.env {
				if v == "" {
					delete(env, k)
				} else {
					env[k] = v
				}
			}
			r := actiontest.Exec(t, env, "seed-branch", append([]string{"--branch", "pr-1", "--schema", seedFile(t)}, c.args...)...)
			r.Assert(t, icmd.Expected{ExitCode: c.exit})
			assert.Check(t, is.Contains(r.Stdout()+r.Stderr(), c.out))
			assert.Check(t, is.Len(passwords(t, em, "pr-1"), 0), "a password was left behind")
		})
	}
}
