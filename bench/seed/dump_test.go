package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/sqlload"
	"gotest.tools/v3/assert"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.sql"), filepath.Join(dir, "b.sql")
	st, err := generate(a, 3_000_000)
	assert.NilError(t, err)
	again, err := generate(b, 3_000_000)
	assert.NilError(t, err)
	assert.DeepEqual(t, st, again)
	da, err := os.ReadFile(a)
	assert.NilError(t, err)
	db, err := os.ReadFile(b)
	assert.NilError(t, err)
	assert.Check(t, bytes.Equal(da, db), "the same size gives other bytes")
	assert.Equal(t, int64(len(da)), st.Bytes)
	assert.Check(t, st.Bytes >= 3_000_000 && st.Bytes < 3_100_000, "%d bytes", st.Bytes)

	// The loader's splitter cuts it into the statements mysqldump writes,
	// and the extended INSERTs hold every row.
	sp := sqlload.NewSplitter(bytes.NewReader(da))
	rows := map[string]int{}
	locks := 0
	for {
		s, err := sp.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		assert.NilError(t, err)
		switch {
		case s.Kind == sqlload.Data:
			assert.Check(t, len(s.Text) < netBuffer, "an INSERT of %d bytes", len(s.Text))
			rows[s.Table] += strings.Count(s.Text, "),(") + 1
		case strings.HasPrefix(s.Text, "LOCK TABLES"):
			locks++
		}
	}
	assert.DeepEqual(t, rows, st.Rows)
	assert.Equal(t, locks, len(tables))
}
