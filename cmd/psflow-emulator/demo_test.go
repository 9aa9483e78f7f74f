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

// TestDemo runs the README's first command, on CI's storage too: both pull requests reach
// production, the second branched from production after the first deployed.
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
			"== 1/16 Pull request #42 opened: psflow create-branch\n",
			"== 3/16 Pull request #42 opened: psflow open-deploy-request\n",
			"== 7/16 Pull request #42 merged: psflow wait-and-deploy\n",
			"== 9/16 Pull request #43 opened: psflow create-branch\n",
			"== 15/16 Pull request #43 merged: psflow wait-and-deploy\n",
			"== 16/16 Pull request #43 merged: psflow delete-branch\n",
		} {
			assert.Check(t, is.Contains(out, step))
		}
		before, rest, ok := strings.Cut(out, "Production schema after #42:")
		assert.Assert(t, ok)
		after42, after43, ok := strings.Cut(rest, "Production schema after #43:")
		assert.Assert(t, ok)
		schemaBefore, _, _ := strings.Cut(before, "== Pull request #42 opened")
		assert.Check(t, !strings.Contains(schemaBefore, "`description`"))
		_, pr43, _ := strings.Cut(after42, "== Pull request #43 opened")
		schema42, _, _ := strings.Cut(after42, "== Pull request #43 opened")
		assert.Check(t, is.Contains(schema42, "`description` varchar(400)"))
		assert.Check(t, !strings.Contains(schema42, "`reviews`"))
		// #43's branch starts from production with #42's column: seed-branch
		// only creates its table, and its request carries nothing of #42's.
		opened43, _, _ := strings.Cut(pr43, "== Pull request #43 merged")
		assert.Check(t, is.Contains(opened43, "reason='created 1 table'"))
		assert.Check(t, !strings.Contains(opened43, "description"), "#43's request carries #42's change")
		assert.Check(t, is.Contains(after43, "`description` varchar(400)"))
		assert.Check(t, is.Contains(after43, "CREATE TABLE `reviews`"))
		assert.Check(t, is.Contains(out, "deleted=pr-42"))
		assert.Check(t, is.Contains(out, "deleted=pr-43"))
		assert.Check(t, is.Contains(out, "Branches left: main\n"))
		assert.Check(t, !strings.Contains(out, "pscale_pw_"), "a password was printed")
	}
}
