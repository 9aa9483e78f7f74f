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
// as well, and checks that both pull requests reached production through
// the deploy queue.
func TestDemo(t *testing.T) {
	args := [][]string{{"demo", "--psflow", testbin.Psflow(t), "--timings", "fast"}}
	if dsn := os.Getenv("PSFLOW_TEST_MYSQL_DSN"); dsn != "" {
		args = append(args, []string{"demo", "--psflow", testbin.Psflow(t), "--timings", "fast", "--mysql-dsn", dsn})
	}
	for _, a := range args {
		var stdout, stderr bytes.Buffer
		err := realMain(context.Background(), a, func(string) string { return "" }, &stdout, &stderr)
		out := stdout.String()
		t.Logf("%v:\n%s\n%s", a, out, stderr.String())
		assert.NilError(t, err)
		for _, step := range []string{
			"== 1/10 Pull request #42 opened: psflow create-branch\n",
			"== 3/10 Pull request #42 opened: psflow open-deploy-request\n",
			"== 4/10 Pull request #43 opened: psflow create-branch\n",
			"== 7/10 Pull request #42 merged, at the same time as the other: psflow wait-and-deploy\n",
			"== 8/10 Pull request #43 merged, at the same time as the other: psflow wait-and-deploy\n",
			"== 10/10 Pull request #43 merged, at the same time as the other: psflow delete-branch\n",
		} {
			assert.Check(t, is.Contains(out, step))
		}
		before, after, ok := strings.Cut(out, "Production schema after:")
		assert.Assert(t, ok)
		schemaBefore, _, _ := strings.Cut(before, "== 1/10")
		assert.Check(t, !strings.Contains(schemaBefore, "`description`"))
		assert.Check(t, !strings.Contains(schemaBefore, "`reviews`"))
		assert.Check(t, is.Contains(after, "`description` varchar(400)"))
		assert.Check(t, is.Contains(after, "CREATE TABLE `reviews`"))
		assert.Check(t, is.Contains(out, "deleted=pr-42"))
		assert.Check(t, is.Contains(out, "deleted=pr-43"))
		assert.Check(t, is.Contains(out, "Branches left: main\n"))
		assert.Check(t, !strings.Contains(out, "pscale_pw_"), "a password was printed")
	}
}
