package ddl

import (
	"fmt"
	"strings"
)

// Lint error codes, named as PlanetScale's schema linter names them
// (https://planetscale.com/docs/vitess/schema-changes/schema-lint-errors).
const (
	LintNoUniqueKey                   = "NO_UNIQUE_KEY"
	LintBlobInUniqueKey               = "BLOB_IN_UNIQUE_KEY"
	LintPartialKeyInUniqueKey         = "PARTIAL_KEY_IN_UNIQUE_KEY"
	LintForeignKeysDisallowed         = "FOREIGN_KEYS_DISALLOWED"
	LintInvalidCharset                = "INVALID_CHARSET"
	LintDuplicateEnumValue            = "DUPLICATE_ENUM_VALUE"
	LintUnsupportedFeature            = "UNSUPPORTED_FEATURE"
	LintForeignKeysNonexistentTable   = "FOREIGN_KEYS_NONEXISTENT_TABLE"
	LintForeignKeysReferencedView     = "FOREIGN_KEYS_REFERENCED_VIEW"
	LintForeignKeysUnresolved         = "FOREIGN_KEYS_UNRESOLVED"
	LintInvalidTableReferencedInView  = "INVALID_TABLE_REFERENCED_IN_VIEW"
	LintInvalidColumnReferencedInView = "INVALID_COLUMN_REFERENCED_IN_VIEW"
	LintUnspecified                   = "UNSPECIFIED"
)

// Subject types of a LintError.
const (
	SubjectTable  = "table"
	SubjectColumn = "column"
)

const lintDocsBase = "https://planetscale.com/docs/vitess/schema-changes/schema-lint-errors/"

// LintError is one finding of the schema linter, shaped like PlanetScale's
// schema lint errors.
type LintError struct {
	// LintError is the machine code, e.g. "NO_UNIQUE_KEY".
	LintError string
	// Keyspace is left empty by Lint; the caller sets the database name.
	Keyspace string
	// Table is the table or view the finding is about.
	Table string
	// SubjectType is "table" or "column".
	SubjectType string
	// Column is the column of a "column" finding; for a foreign key, its local
	// columns joined by commas.
	Column string
	// ErrorDescription explains the finding.
	ErrorDescription string
	// DocsURL links PlanetScale's page for the code.
	DocsURL string
}

func newLintError(code, table, column, format string, args ...any) LintError {
	subject := SubjectTable
	if column != "" && code != LintForeignKeysDisallowed {
		subject = SubjectColumn
	}
	return LintError{
		LintError:        code,
		Table:            table,
		SubjectType:      subject,
		Column:           column,
		ErrorDescription: fmt.Sprintf(format, args...),
		DocsURL:          lintDocsBase + strings.ReplaceAll(strings.ToLower(code), "_", "-"),
	}
}
