package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psflow/psflow/pkg/sqlload"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestGenerateSchema(t *testing.T) {
	t.Parallel()
	s := generateSchema(200)
	assert.DeepEqual(t, s.files, generateSchema(200).files)
	assert.Equal(t, len(s.tables), 200)
	assert.Check(t, s.fkCount >= 30 && s.fkCount <= 50, "%d tables with foreign keys", s.fkCount)
	assert.Equal(t, len(s.views), 5)
	assert.Equal(t, len(s.files), 205)
	assert.Equal(t, len(s.data), 3)
	assert.Check(t, len(s.tables[s.changed].parents) == 0)

	names := map[string]bool{}
	constraints := map[string]bool{}
	for i, tb := range s.tables {
		assert.Check(t, !names[tb.name], "table %s twice", tb.name)
		names[tb.name] = true
		for _, p := range tb.parents {
			assert.Check(t, names[p], "%s references %s, which is not before it", tb.name, p)
		}
		// Each file is one CREATE TABLE, with a REFERENCES clause exactly
		// when the table has foreign keys, and constraint names that stay
		// unique and short enough for a prefix.
		text := tb.create(false)
		o := sqlload.Defines(strings.TrimSuffix(strings.TrimSpace(text), ";"))
		assert.Check(t, is.Equal(o.Kind, "table"), "%d", i)
		assert.Check(t, is.Equal(o.Name, tb.name))
		assert.Check(t, is.Equal(o.ForeignKeys, len(tb.parents) > 0), tb.name)
		for _, sp := range o.Constraints {
			c := text[sp[0]:sp[1]]
			assert.Check(t, !constraints[c], "constraint %s twice", c)
			assert.Check(t, len(c) < 40, c)
			constraints[c] = true
		}
		assert.Check(t, tb.create(true) != text)
	}
}

func TestWriteSchema(t *testing.T) {
	t.Parallel()
	s := generateSchema(20)
	dir := t.TempDir()
	l, err := s.write(dir, 50)
	assert.NilError(t, err)
	assert.Equal(t, s.rows, 150)
	for _, f := range s.files {
		_, err := os.Stat(filepath.Join(l.schema, f))
		assert.Check(t, err)
	}
	orig, err := os.ReadFile(l.orig)
	assert.NilError(t, err)
	inFile, err := os.ReadFile(l.file)
	assert.NilError(t, err)
	assert.Equal(t, string(orig), string(inFile))

	// The data file holds one INSERT of 50 rows for each data table.
	data, err := os.ReadFile(l.data)
	assert.NilError(t, err)
	assert.Equal(t, strings.Count(string(data), "INSERT INTO"), 3)
	assert.Equal(t, strings.Count(string(data), "\n  ("), 150)
	for _, i := range s.data {
		assert.Check(t, is.Contains(string(data), "INSERT INTO `"+s.tables[i].name+"`"))
	}

	// The client's input replays every file, foreign key checks off.
	replay := filepath.Join(dir, "replay.sql")
	assert.NilError(t, writeReplay(replay, l.schema, s.files))
	text, err := os.ReadFile(replay)
	assert.NilError(t, err)
	assert.Check(t, strings.HasPrefix(string(text), "SET FOREIGN_KEY_CHECKS = 0;\n"))
	assert.Equal(t, strings.Count(string(text), "CREATE TABLE"), 20)
	assert.Equal(t, strings.Count(string(text), "CREATE VIEW"), len(s.views))
}
