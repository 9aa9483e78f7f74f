package ddl

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

// finding is the part of a LintError the rule tests compare.
type finding struct {
	Code, Table, Subject, Column string
}

func findings(errs []LintError) []finding {
	var out []finding
	for _, e := range errs {
		out = append(out, finding{e.LintError, e.Table, e.SubjectType, e.Column})
	}
	return out
}

const pkTable = "CREATE TABLE `ok` (`id` bigint unsigned NOT NULL, `name` varchar(50), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

func TestLintRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		schema []string
		want   []finding
	}{
		{"no key at all", []string{"CREATE TABLE `logs` (`msg` varchar(100))"},
			[]finding{{LintNoUniqueKey, "logs", SubjectTable, ""}}},
		{"nullable unique key is not enough", []string{"CREATE TABLE `logs` (`k` int, UNIQUE KEY `k` (`k`))"},
			[]finding{{LintNoUniqueKey, "logs", SubjectTable, ""}}},
		{"prefix unique key is not enough", []string{"CREATE TABLE `logs` (`k` varchar(200) NOT NULL, UNIQUE KEY `k` (`k`(10)))"},
			[]finding{{LintNoUniqueKey, "logs", SubjectTable, ""}}},
		{"primary key", []string{pkTable}, nil},
		{"NOT NULL unique key", []string{"CREATE TABLE `logs` (`k` int NOT NULL, `msg` text, UNIQUE KEY `k` (`k`))"}, nil},
		{"TEXT in primary key", []string{"CREATE TABLE `docs` (`body` text NOT NULL, PRIMARY KEY (`body`(255)))"},
			[]finding{{LintBlobInUniqueKey, "docs", SubjectColumn, "body"}}},
		{"prefix in primary key", []string{"CREATE TABLE `people` (`email` varchar(255) NOT NULL, PRIMARY KEY (`email`(32)))"},
			[]finding{{LintPartialKeyInUniqueKey, "people", SubjectColumn, "email"}}},
		{"foreign key", []string{pkTable, "CREATE TABLE `posts` (`id` int NOT NULL, `ok_id` bigint unsigned NOT NULL, PRIMARY KEY (`id`), " +
			"CONSTRAINT `posts_ok` FOREIGN KEY (`ok_id`) REFERENCES `ok` (`id`))"},
			[]finding{{LintForeignKeysDisallowed, "posts", SubjectTable, "ok_id"}}},
		{"plain index instead of a foreign key", []string{pkTable, "CREATE TABLE `posts` (`id` int NOT NULL, `ok_id` bigint unsigned NOT NULL, " +
			"PRIMARY KEY (`id`), KEY `posts_ok` (`ok_id`))"}, nil},
		// latin1 and ascii are supported (docs: reference/mysql-compatibility,
		// schema-lint-errors/invalid-charset); utf16 and the like are not.
		{"latin1 table", []string{"CREATE TABLE `old` (`id` int NOT NULL, `s` varchar(9), PRIMARY KEY (`id`)) DEFAULT CHARSET=latin1"}, nil},
		{"latin1 column", []string{"CREATE TABLE `old` (`id` int NOT NULL, `s` varchar(9) CHARACTER SET latin1, PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4"}, nil},
		{"ascii table and column", []string{"CREATE TABLE `old` (`id` int NOT NULL, `s` varchar(9) CHARACTER SET ascii COLLATE ascii_bin, " +
			"`t` char(2), PRIMARY KEY (`id`)) DEFAULT CHARSET=ascii"}, nil},
		{"utf16 table", []string{"CREATE TABLE `old` (`id` int NOT NULL, `s` varchar(9), PRIMARY KEY (`id`)) DEFAULT CHARSET=utf16"},
			[]finding{{LintInvalidCharset, "old", SubjectTable, ""}}},
		{"utf32 column", []string{"CREATE TABLE `old` (`id` int NOT NULL, `s` varchar(9) CHARACTER SET utf32, PRIMARY KEY (`id`)) DEFAULT CHARSET=latin1"},
			[]finding{{LintInvalidCharset, "old", SubjectColumn, "s"}}},
		{"utf8 family and binary", []string{"CREATE TABLE `new` (`id` int NOT NULL, `a` varchar(9) CHARACTER SET utf8mb3, `b` varbinary(9), " +
			"`c` blob, PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8"}, nil},
		{"duplicate enum value", []string{"CREATE TABLE `shirts` (`id` int NOT NULL, `size` enum('small','medium','Medium') NOT NULL, PRIMARY KEY (`id`))"},
			[]finding{{LintDuplicateEnumValue, "shirts", SubjectColumn, "size"}}},
		{"distinct enum values", []string{"CREATE TABLE `shirts` (`id` int NOT NULL, `size` enum('small','medium') NOT NULL, PRIMARY KEY (`id`))"}, nil},
		{"MyISAM", []string{"CREATE TABLE `m` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=MyISAM"},
			[]finding{{LintUnsupportedFeature, "m", SubjectTable, ""}}},
		{"foreign key to a missing table", []string{"CREATE TABLE `c` (`id` int NOT NULL, `p` int, PRIMARY KEY (`id`), KEY `p` (`p`), " +
			"CONSTRAINT `c_p` FOREIGN KEY (`p`) REFERENCES `gone` (`id`))"},
			[]finding{{LintForeignKeysDisallowed, "c", SubjectTable, "p"}, {LintForeignKeysNonexistentTable, "c", SubjectTable, ""}}},
		{"view on a missing table", []string{pkTable, "CREATE VIEW `v` AS SELECT `id` FROM `gone`"},
			[]finding{{LintInvalidTableReferencedInView, "v", SubjectTable, ""}}},
		{"view on a missing column", []string{pkTable, "CREATE VIEW `v` AS SELECT `nope` FROM `ok`"},
			[]finding{{LintInvalidColumnReferencedInView, "v", SubjectTable, ""}}},
		{"valid view", []string{pkTable, "CREATE VIEW `v` AS SELECT `id`, `name` FROM `ok`"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Lint(tc.schema)
			assert.NilError(t, err)
			assert.DeepEqual(t, findings(got), tc.want)
			for _, e := range got {
				assert.Assert(t, strings.HasPrefix(e.DocsURL, lintDocsBase), e.DocsURL)
				assert.Assert(t, e.ErrorDescription != "")
			}
		})
	}
}

func TestLintUnparseable(t *testing.T) {
	t.Parallel()
	_, err := Lint([]string{pkTable, "CREATE TABLE `bad` (`e` enum())"})
	var se *StatementError
	assert.Assert(t, errors.As(err, &se), err)
	assert.ErrorContains(t, err, "table `bad`")
}

func formatLint(errs []LintError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "%s table=%s subject=%s column=%s\n  %s\n  %s\n",
			e.LintError, e.Table, e.SubjectType, e.Column, e.ErrorDescription, e.DocsURL)
	}
	return b.String()
}

// TestLintSamples lints schemas captured from the servers.
func TestLintSamples(t *testing.T) {
	t.Parallel()
	for _, flavor := range flavors {
		for _, tc := range []diffCase{diffCases[0], fkCase()} {
			t.Run(flavor+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				got, err := Lint(readInputs(t, flavor, tc, "branch"))
				assert.NilError(t, err)
				golden.Assert(t, formatLint(got), filepath.Join(flavor, tc.name+".lint.golden"))
			})
		}
	}
}

func fkCase() diffCase {
	for _, tc := range diffCases {
		if tc.name == "fk_tables_created" {
			return tc
		}
	}
	panic("fk_tables_created case missing")
}

// TestLintForeignKeysAllowed: with allow_foreign_key_constraints on, a
// foreign key is no lint error, but one to a missing table still is.
func TestLintForeignKeysAllowed(t *testing.T) {
	t.Parallel()
	fk := "CREATE TABLE `posts` (`id` int NOT NULL, `ok_id` bigint unsigned NOT NULL, PRIMARY KEY (`id`), " +
		"CONSTRAINT `posts_ok` FOREIGN KEY (`ok_id`) REFERENCES `ok` (`id`))"
	got, err := LintWith([]string{pkTable, fk}, LintOptions{ForeignKeys: true})
	assert.NilError(t, err)
	assert.Check(t, len(got) == 0, "%v", findings(got))
	got, err = LintWith([]string{fk}, LintOptions{ForeignKeys: true})
	assert.NilError(t, err)
	assert.DeepEqual(t, findings(got), []finding{{LintForeignKeysNonexistentTable, "posts", SubjectTable, ""}})
}
