package seedbranch

import (
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestGlobRoot(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]string{
		"db/*.sql":            "db/",
		"db/s*/x.sql":         "db/",
		"*.sql":               ".",
		"../shared/*/x.sql":   "../shared/",
		"/tmp/seed/[0-9].sql": "/tmp/seed/",
		"db/schema":           "db/schema",
	} {
		assert.Check(t, is.Equal(globRoot(pattern), want), pattern)
	}
}

func TestWithin(t *testing.T) {
	t.Parallel()
	assert.Check(t, within("/w", "/w"))
	assert.Check(t, within("/w/db/x.sql", "/w"))
	assert.Check(t, within("/w/..x/x.sql", "/w"))
	assert.Check(t, !within("/work/x.sql", "/w"))
	assert.Check(t, !within("/x.sql", "/w"))
}

// What an error says of a statement's first words shows nothing of a
// file that is no SQL.
func TestLeadingWords(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"alter table t add c int":                       "ALTER TABLE",
		"CREATE DEFINER=`root`@`%` PROCEDURE p() BEGIN": "CREATE DEFINER",
		"[default]\naws_access_key_id = AKIAIOSFODNN7":  "a statement",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG":   "AWS_SECRET_ACCESS_KEY",
		"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY x":      "a statement",
		"ghp_abc123 x":   "a statement",
		"Create Table t": "CREATE TABLE",
	} {
		assert.Check(t, is.Equal(leadingWords(text, 2), want), text)
	}
}
