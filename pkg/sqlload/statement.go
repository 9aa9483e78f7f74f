package sqlload

// Kind says what a statement does, which decides where the loader runs it.
type Kind int

const (
	// Other is any statement that is neither schema, data nor session:
	// SELECT, CALL, GRANT, FLUSH, compound statements and the like.
	Other Kind = iota
	// Schema is DDL: CREATE, ALTER, DROP, RENAME and TRUNCATE of tables,
	// views, triggers, routines, indexes and databases.
	Schema
	// Data changes rows: INSERT, REPLACE, UPDATE, DELETE and LOAD DATA.
	Data
	// Session changes the connection's state: SET, USE, LOCK/UNLOCK TABLES
	// and transaction control (START TRANSACTION, BEGIN, COMMIT, ROLLBACK).
	Session
)

// String returns the lowercase name of the kind.
func (k Kind) String() string {
	switch k {
	case Schema:
		return "schema"
	case Data:
		return "data"
	case Session:
		return "session"
	default:
		return "other"
	}
}

// Statement is one SQL statement of a script, without its delimiter.
type Statement struct {
	// Text is the statement as written, from its first token to its last
	// non-blank byte. Executable comments are part of it.
	Text string
	// Line is the 1-based line of the script where the statement starts.
	Line int
	// Kind classifies the statement.
	Kind Kind
	// Table is a Data statement's target table as written, without backticks ("db.t" when
	// qualified); empty for other kinds or when the statement's start does not tell it.
	Table string
}
