package storage

import (
	"context"
	"fmt"
	"os"
	"testing"

	"gotest.tools/v3/assert"
)

func BenchmarkStartEmbedded(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		s, err := StartEmbedded(ctx)
		assert.NilError(b, err)
		assert.NilError(b, s.Close())
	}
}

// tenTables is a schema of ten tables, each with a primary key, a
// secondary index and, from the second on, a foreign key to the one before.
func tenTables() []string {
	stmts := []string{"CREATE TABLE t00 (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL, KEY idx_name (name))"}
	for i := 1; i < 10; i++ {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE t%02d (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, "+
			"parent_id BIGINT NOT NULL, name VARCHAR(64) NOT NULL, created DATETIME NOT NULL, KEY idx_name (name), "+
			"CONSTRAINT fk_t%02d FOREIGN KEY (parent_id) REFERENCES t%02d (id))", i, i, i-1))
	}
	return stmts
}

func BenchmarkCreateAndCopySchema10(b *testing.B) {
	ctx := context.Background()
	modes := map[string]func() (*Server, error){
		"embedded": func() (*Server, error) { return StartEmbedded(ctx) },
	}
	if dsn := os.Getenv(mysqlDSNEnv); dsn != "" {
		modes["mysql"] = func() (*Server, error) { return Open(ctx, dsn) }
	}
	for name, start := range modes {
		b.Run(name, func(b *testing.B) {
			s, err := start()
			assert.NilError(b, err)
			defer s.Close()
			prefix := randomPrefix(b)
			defer func() { assert.Check(b, s.DropDatabasesWithPrefix(ctx, prefix)) }()
			src := prefix + "src"
			assert.NilError(b, s.CreateDatabase(ctx, src))
			assert.NilError(b, s.Exec(ctx, src, tenTables()...))
			i := 0
			for b.Loop() {
				dst := fmt.Sprintf("%sdst%d", prefix, i)
				i++
				assert.NilError(b, s.CreateDatabase(ctx, dst))
				assert.NilError(b, s.CopySchema(ctx, src, dst))
			}
		})
	}
}
