package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/psflow/psflow/internal/testbin"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestDemo runs the README's first command, with the storage CI provides
// as well, and checks the lifecycle reached production.
func TestDemo(t *testing.T) {
	args := [][]string{{"demo", "--psflow", testbin.Psflow(t), "--timings", "zero"}}
	if dsn := os.Getenv("PSFLOW_TEST_MYSQL_DSN"); dsn != "" {
		args = append(args, []string{"demo", "--psflow", testbin.Psflow(t), "--timings", "zero", "--mysql-dsn", dsn})
	}
	for _, a := range args {
		var stdout, stderr bytes.Buffer
		err := realMain(context.Background(), a, func(string) string { return "" }, &stdout, &stderr)
		out := stdout.String()
		t.Logf("%v:\n%s\n%s", a, out, stderr.String())
		assert.NilError(t, err)
		for i, action := range []string{"create-branch", "seed-branch", "open-deploy-request", "wait-and-deploy", "delete-branch"} {
			assert.Check(t, is.Contains(out, "== "+string(rune('1'+i))+"/5 "), action)
			assert.Check(t, is.Contains(out, "psflow "+action+"\n"))
		}
		before, after, ok := strings.Cut(out, "Production schema after:")
		assert.Assert(t, ok)
		schemaBefore, _, _ := strings.Cut(before, "== 1/5")
		assert.Check(t, !strings.Contains(schemaBefore, "`description`"))
		assert.Check(t, is.Contains(after, "`description` varchar(400)"))
		assert.Check(t, is.Contains(out, "deleted=pr-42"))
		assert.Check(t, is.Contains(out, "Branches left: main\n"))
		assert.Check(t, !strings.Contains(out, "pscale_pw_"), "a password was printed")
	}
}
