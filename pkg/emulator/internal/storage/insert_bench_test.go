package storage

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	gmssql "github.com/dolthub/go-mysql-server/sql"
	"gotest.tools/v3/assert"
)

// The benchmarks below time a seed's 1,000-row INSERT into a table holding rows,
// through go-mysql-server's engine alone: on the embedded storage's memory tables,
// and on sinkTable, rows in a map by primary key (docs/design/emulator-storage.md).
//
//	go test -run '^$' -bench EngineInsert -benchtime 3x ./pkg/emulator/internal/storage

// insertBenchRows is the rows of each timed INSERT.
const insertBenchRows = 1000

// benchTableDDL is a table like the seed bench's customers: a primary key
// and, with index, a secondary index.
func benchTableDDL(index bool) string {
	ddl := "CREATE TABLE c (id INT UNSIGNED NOT NULL, email VARCHAR(120) NOT NULL, country CHAR(2) NOT NULL, bio TEXT, PRIMARY KEY (id)"
	if index {
		ddl += ", KEY country (country)"
	}
	return ddl + ")"
}

// benchInsert is an extended INSERT of n rows of c, with ids from first.
func benchInsert(first, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO c VALUES ")
	countries := []string{"PT", "JP", "DE", "US", "BR", "SE"}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := first + i
		fmt.Fprintf(&b, "(%d,'user%d@example.com','%s','a short biography of user %d, with a \\'quote\\'')", id, id, countries[id%len(countries)], id)
	}
	return b.String()
}

// engineExec runs one statement through engine and drains its result.
func engineExec(ctx *gmssql.Context, engine *sqle.Engine, stmt string) error {
	_, iter, _, err := engine.Query(ctx, stmt)
	if err != nil {
		return err
	}
	for {
		if _, err := iter.Next(ctx); err != nil {
			if err == io.EOF {
				return iter.Close(ctx)
			}
			_ = iter.Close(ctx)
			return err
		}
	}
}

// benchEngine is an engine on pro with a session whose current database
// is db.
func benchEngine(pro gmssql.DatabaseProvider, session gmssql.Session, db string) (*sqle.Engine, *gmssql.Context) {
	engineMu.Lock()
	engine := sqle.NewDefault(pro)
	engineMu.Unlock()
	ctx := gmssql.NewContext(context.Background(), gmssql.WithSession(session))
	ctx.SetCurrentDatabase(db)
	return engine, ctx
}

func BenchmarkEngineInsert(b *testing.B) {
	for _, index := range []bool{false, true} {
		for _, stored := range []int{0, 5_000, 20_000} {
			b.Run(fmt.Sprintf("memory/index=%v/stored=%d", index, stored), func(b *testing.B) {
				pro := memory.NewDBProvider(memory.NewDatabase("d"))
				pro.WithOption(memory.NativeIndexProvider(true))
				engine, ctx := benchEngine(pro, memory.NewSession(gmssql.NewBaseSession(), pro), "d")
				benchInserts(b, ctx, engine, benchTableDDL(index), stored)
			})
		}
	}
	for _, stored := range []int{0, 5_000, 20_000} {
		b.Run(fmt.Sprintf("sink/stored=%d", stored), func(b *testing.B) {
			pro := &sinkProvider{db: &sinkDatabase{name: "d", tables: map[string]*sinkTable{}}}
			engine, ctx := benchEngine(pro, gmssql.NewBaseSession(), "d")
			pro.db.tables["c"] = newSinkTable(b, benchTableDDL(true))
			benchInserts(b, ctx, engine, "", stored)
		})
	}
}

// benchInserts creates the table with ddl (unless empty) holding stored rows, then
// times INSERTs of insertBenchRows new rows each and reports the time per row.
func benchInserts(b *testing.B, ctx *gmssql.Context, engine *sqle.Engine, ddl string, stored int) {
	if ddl != "" {
		assert.NilError(b, engineExec(ctx, engine, ddl))
	}
	next := 1
	for next <= stored {
		n := min(insertBenchRows, stored-next+1)
		assert.NilError(b, engineExec(ctx, engine, benchInsert(next, n)))
		next += n
	}
	var stmts []string
	for range b.N {
		stmts = append(stmts, benchInsert(next, insertBenchRows))
		next += insertBenchRows
	}
	b.ResetTimer()
	for _, stmt := range stmts {
		assert.NilError(b, engineExec(ctx, engine, stmt))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*insertBenchRows), "ns/row")
}

// sinkProvider serves one sinkDatabase.
type sinkProvider struct{ db *sinkDatabase }

func (p *sinkProvider) Database(_ *gmssql.Context, name string) (gmssql.Database, error) {
	if strings.EqualFold(name, p.db.name) {
		return p.db, nil
	}
	return nil, gmssql.ErrDatabaseNotFound.New(name)
}

func (p *sinkProvider) HasDatabase(_ *gmssql.Context, name string) bool {
	return strings.EqualFold(name, p.db.name)
}

func (p *sinkProvider) AllDatabases(*gmssql.Context) []gmssql.Database {
	return []gmssql.Database{p.db}
}

// sinkDatabase holds sinkTables.
type sinkDatabase struct {
	name   string
	tables map[string]*sinkTable
}

func (d *sinkDatabase) Name() string { return d.name }

func (d *sinkDatabase) GetTableInsensitive(_ *gmssql.Context, name string) (gmssql.Table, bool, error) {
	t, ok := d.tables[strings.ToLower(name)]
	return t, ok, nil
}

func (d *sinkDatabase) GetTableNames(*gmssql.Context) ([]string, error) {
	var names []string
	for n := range d.tables {
		names = append(names, n)
	}
	return names, nil
}

// sinkTable keeps its rows in a map by primary key, refusing a duplicate:
// a constant cost per row, whatever the table holds.
type sinkTable struct {
	schema gmssql.Schema
	pk     []int
	rows   map[string]gmssql.Row
}

// newSinkTable makes a sinkTable with the schema of the CREATE TABLE ddl,
// built on an in-memory table.
func newSinkTable(b *testing.B, ddl string) *sinkTable {
	pro := memory.NewDBProvider(memory.NewDatabase("s"))
	engine, mctx := benchEngine(pro, memory.NewSession(gmssql.NewBaseSession(), pro), "s")
	assert.NilError(b, engineExec(mctx, engine, ddl))
	db, err := pro.Database(mctx, "s")
	assert.NilError(b, err)
	mt, ok, err := db.GetTableInsensitive(mctx, "c")
	assert.NilError(b, err)
	assert.Assert(b, ok)
	t := &sinkTable{schema: mt.Schema(), rows: map[string]gmssql.Row{}}
	for i, c := range t.schema {
		c.Source = "c"
		if c.PrimaryKey {
			t.pk = append(t.pk, i)
		}
	}
	return t
}

func (t *sinkTable) Name() string                                { return "c" }
func (t *sinkTable) String() string                              { return "c" }
func (t *sinkTable) Schema() gmssql.Schema                       { return t.schema }
func (t *sinkTable) Collation() gmssql.CollationID               { return gmssql.Collation_Default }
func (t *sinkTable) Inserter(*gmssql.Context) gmssql.RowInserter { return t }

func (t *sinkTable) Partitions(*gmssql.Context) (gmssql.PartitionIter, error) {
	return gmssql.PartitionsToPartitionIter(sinkPartition{}), nil
}

func (t *sinkTable) PartitionRows(*gmssql.Context, gmssql.Partition) (gmssql.RowIter, error) {
	rows := make([]gmssql.Row, 0, len(t.rows))
	for _, r := range t.rows {
		rows = append(rows, r)
	}
	return gmssql.RowsToRowIter(rows...), nil
}

// Insert keeps row under its primary key.
func (t *sinkTable) Insert(_ *gmssql.Context, row gmssql.Row) error {
	var key strings.Builder
	for _, i := range t.pk {
		fmt.Fprintf(&key, "%v\x00", row[i])
	}
	if _, dup := t.rows[key.String()]; dup {
		return gmssql.NewUniqueKeyErr(key.String(), true, row)
	}
	t.rows[key.String()] = row
	return nil
}

func (t *sinkTable) StatementBegin(*gmssql.Context)              {}
func (t *sinkTable) DiscardChanges(*gmssql.Context, error) error { return nil }
func (t *sinkTable) StatementComplete(*gmssql.Context) error     { return nil }
func (t *sinkTable) Close(*gmssql.Context) error                 { return nil }

// sinkPartition is a sinkTable's one partition.
type sinkPartition struct{}

func (sinkPartition) Key() []byte { return []byte("all") }
