// Package actiontest runs the real psflow binary against an emulator the
// way a workflow or a buildspec would, and checks what it printed.
package actiontest

import (
	"bufio"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/internal/testbin"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/step"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
	"gotest.tools/v3/icmd"
)

// Run is one finished run of an action.
type Run struct {
	*icmd.Result
	Outputs map[string]string // from the output file, without the PSFLOW_OUT_ prefix, lower case
}

// Env is a plain CI job's environment pointed at em: pscale's variable names, the database,
// and em's CA as mysql_ca, so every MySQL connection of psflow is TLS verified against it.
func Env(em *emulator.Emulator, database string) map[string]string {
	return map[string]string{
		"PLANETSCALE_API_URL":          em.URL(),
		"PLANETSCALE_ORG":              em.Org(),
		"PLANETSCALE_SERVICE_TOKEN_ID": em.TokenID(),
		"PLANETSCALE_SERVICE_TOKEN":    em.Token(),
		"PSFLOW_DATABASE":              database,
		"PSFLOW_MYSQL_CA":              em.CAFile(),
	}
}

// OpenDSN opens a DSN psflow output for a branch of em: a DSN asking for
// verified TLS (tls=true) trusts em's CA instead of the system roots.
func OpenDSN(t *testing.T, em *emulator.Emulator, dsn string) *sql.DB {
	t.Helper()
	cfg, err := mysql.ParseDSN(dsn)
	assert.NilError(t, err)
	if cfg.TLSConfig == "true" {
		cfg.TLSConfig, cfg.TLS = "", em.ClientTLS()
	}
	connector, err := mysql.NewConnector(cfg)
	assert.NilError(t, err)
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Exec runs `psflow <action> args...` with env (and only env, plus PATH
// and HOME), writing outputs to a fresh file that it parses.
func Exec(t *testing.T, env map[string]string, action string, args ...string) Run {
	t.Helper()
	return ExecIn(t, "", env, action, args...)
}

// ExecIn is Exec in the working directory dir ("" for the test's own).
func ExecIn(t *testing.T, dir string, env map[string]string, action string, args ...string) Run {
	t.Helper()
	out := filepath.Join(t.TempDir(), "outputs.env")
	cmd := icmd.Command(testbin.Psflow(t), append([]string{action, "--output-file", out}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	res := icmd.RunCmd(cmd)
	t.Logf("psflow %s %v: exit %d\nstdout:\n%s\nstderr:\n%s", action, args, res.ExitCode, res.Stdout(), res.Stderr())
	r := Run{Result: res, Outputs: ReadOutputs(t, out)}
	// Every run checks that no secret it was given or produced was printed.
	var secrets []string
	for _, k := range secretEnv {
		secrets = append(secrets, env[k])
	}
	for _, k := range secretOutputs {
		secrets = append(secrets, r.Outputs[k])
	}
	AssertNoSecrets(t, r, secrets...)
	return r
}

// secretEnv and secretOutputs name the secrets runs are checked for.
var (
	secretEnv     = []string{"PLANETSCALE_SERVICE_TOKEN", "INPUT_SERVICE_TOKEN", "PSFLOW_SERVICE_TOKEN", "INPUT_GITHUB_TOKEN", "PSFLOW_GITHUB_TOKEN"}
	secretOutputs = []string{"password", "database_url", "dsn"}
)

// ReadOutputs parses an output file the way `source` would.
func ReadOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	outputs, handOvers := map[string]string{}, map[string]string{}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return outputs
	}
	assert.NilError(t, err)
	info, err := os.Stat(path)
	assert.NilError(t, err)
	assert.Equal(t, info.Mode().Perm(), os.FileMode(0o600), "output file mode")
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), "=")
		assert.Assert(t, ok, "output line %q", sc.Text())
		if strings.HasPrefix(val, "'") {
			for !closed(val) && sc.Scan() {
				val += "\n" + sc.Text()
			}
			val = strings.ReplaceAll(val[1:len(val)-1], `'\''`, "'")
		}
		if name, ok := strings.CutPrefix(key, step.OutputPrefix); ok {
			outputs[strings.ToLower(name)] = val
			continue
		}
		handOvers[strings.ToLower(strings.TrimPrefix(key, "PSFLOW_"))] = val
	}
	// A hand-over (PSFLOW_BRANCH, say) repeats the output of its name.
	for name, val := range handOvers {
		assert.Check(t, is.Equal(outputs[name], val), "hand-over PSFLOW_%s", strings.ToUpper(name))
	}
	return outputs
}

// closed reports whether a single-quoted value has ended.
func closed(v string) bool {
	v = strings.ReplaceAll(v, `'\''`, "")
	return len(v) >= 2 && strings.HasSuffix(v, "'")
}

// AssertNoSecrets fails when any secret appears in what the run printed.
func AssertNoSecrets(t *testing.T, r Run, secrets ...string) {
	t.Helper()
	printed := r.Stdout() + r.Stderr()
	for _, s := range secrets {
		if s != "" {
			assert.Check(t, !strings.Contains(printed, s), "secret %.4s… printed", s)
		}
	}
}

// AccessesWithout is every service token access the emulator knows but
// names, for emulatortest.WithTokenAccesses.
func AccessesWithout(names ...string) []string {
	var out []string
	for _, a := range emulator.Accesses() {
		if !slices.Contains(names, a) {
			out = append(out, a)
		}
	}
	return out
}
