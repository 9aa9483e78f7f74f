package emulator

import (
	"net/http"

	"github.com/psflow/psflow/pkg/emulator/internal/ddl"
	"github.com/psflow/psflow/pkg/emulator/internal/storage"
)

// branchSchema reads the schema of the branch named in the request path.
func (e *Emulator) branchSchema(r *http.Request) ([]storage.Table, error) {
	e.mu.Lock()
	_, b, err := e.pathBranch(r)
	if err == nil && b.creating {
		err = unprocessable("branch %s is still being created", b.name)
	}
	var storageDB string
	if err == nil {
		storageDB = b.storageDB
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return e.store.Schema(r.Context(), storageDB)
}

func (e *Emulator) getSchema(w http.ResponseWriter, r *http.Request) error {
	tables, err := e.branchSchema(r)
	if err != nil {
		return err
	}
	files := make([]schemaFile, 0, len(tables))
	for _, t := range tables {
		files = append(files, newSchemaFile(t.Name, t.SQL))
	}
	writeJSON(w, http.StatusOK, wrapData(files))
	return nil
}

// lintView is one schema lint error as the API returns it.
type lintView struct {
	LintError                string   `json:"lint_error"`
	SubjectType              string   `json:"subject_type"`
	KeyspaceName             string   `json:"keyspace_name"`
	TableName                string   `json:"table_name"`
	ErrorDescription         string   `json:"error_description"`
	DocsURL                  string   `json:"docs_url"`
	ColumnName               string   `json:"column_name"`
	ForeignKeyColumnNames    []string `json:"foreign_key_column_names"`
	AutoIncrementColumnNames []string `json:"auto_increment_column_names"`
	CharsetName              string   `json:"charset_name"`
	EngineName               string   `json:"engine_name"`
	VindexName               string   `json:"vindex_name"`
	JSONPath                 string   `json:"json_path"`
	CheckConstraintName      string   `json:"check_constraint_name"`
	EnumValue                string   `json:"enum_value"`
	PartitioningType         string   `json:"partitioning_type"`
	PartitionName            string   `json:"partition_name"`
}

func (e *Emulator) lintSchema(w http.ResponseWriter, r *http.Request) error {
	tables, err := e.branchSchema(r)
	if err != nil {
		return err
	}
	e.mu.Lock()
	var opts ddl.LintOptions
	if db := e.dbs[r.PathValue("database")]; db != nil {
		opts.ForeignKeys = db.settings.foreignKeys
	}
	e.mu.Unlock()
	found, err := ddl.LintWith(storage.Statements(tables), opts)
	if err != nil {
		return unprocessable("schema cannot be linted: %v", err)
	}
	views := lintViews(found, r.PathValue("database"))
	writeJSON(w, http.StatusOK, paginate(r, views))
	return nil
}

// lintViews renders lint errors; a finding without a keyspace is in the
// database's one keyspace.
func lintViews(found []ddl.LintError, keyspace string) []lintView {
	views := make([]lintView, 0, len(found))
	for _, l := range found {
		ks := l.Keyspace
		if ks == "" {
			ks = keyspace
		}
		views = append(views, lintView{
			LintError: l.LintError, SubjectType: "table", KeyspaceName: ks, TableName: l.Table,
			ErrorDescription: l.ErrorDescription, DocsURL: l.DocsURL, ColumnName: l.Column,
			ForeignKeyColumnNames: []string{}, AutoIncrementColumnNames: []string{},
		})
	}
	return views
}

// branchDiff serves the branch diff: the branch's changes since its fork point (pscale branch
// diff), not against its parent now, which would show others' deploys as changes to undo.
func (e *Emulator) branchDiff(w http.ResponseWriter, r *http.Request) error {
	e.mu.Lock()
	_, b, err := e.pathBranch(r)
	var fork []storage.Table
	var storageDB string
	root := false
	if err == nil {
		fork, storageDB, root = b.fork, b.storageDB, b.parent == ""
	}
	e.mu.Unlock()
	if err != nil {
		return err
	}
	if root {
		writeJSON(w, http.StatusOK, wrapData([]schemaFile{}))
		return nil
	}
	now, err := e.store.Schema(r.Context(), storageDB)
	if err != nil {
		return err
	}
	plan, err := ddl.Diff(storage.Statements(fork), storage.Statements(now))
	if err != nil {
		return unprocessable("branch %s cannot be diffed: %v", b.name, err)
	}
	writeJSON(w, http.StatusOK, wrapData(diffFiles(plan, fork, now)))
	return nil
}

// diffFiles renders each change of a plan as the line diff of the table's
// CREATE statement before and after.
func diffFiles(plan ddl.Plan, before, after []storage.Table) []schemaFile {
	index := func(ts []storage.Table) map[string]string {
		m := make(map[string]string, len(ts))
		for _, t := range ts {
			m[t.Name] = t.SQL
		}
		return m
	}
	old, cur := index(before), index(after)
	files := make([]schemaFile, 0, len(plan.Changes))
	seen := map[string]bool{}
	for _, c := range plan.Changes {
		if seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		files = append(files, newSchemaFile(c.Name, lineDiff(old[c.Name], cur[c.Name])))
	}
	return files
}
