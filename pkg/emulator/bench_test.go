package emulator_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	ps "github.com/planetscale/planetscale-go/planetscale"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
)

// benchStorages runs a benchmark on the embedded server and, when
// PSFLOW_TEST_MYSQL_DSN is set, on that server.
func benchStorages(b *testing.B, fn func(b *testing.B, opts ...emulatortest.Option)) {
	b.Run("embedded", func(b *testing.B) { fn(b) })
	if dsn := os.Getenv(emulatortest.MySQLDSNEnv); dsn != "" {
		b.Run("mysql", func(b *testing.B) { fn(b, emulatortest.WithMySQL(dsn)) })
	}
}

func BenchmarkStart(b *testing.B) {
	benchStorages(b, func(b *testing.B, opts ...emulatortest.Option) {
		for b.Loop() {
			cfg := emulator.Config{Org: "acme", Databases: []string{"app"}, TokenID: "id", Token: "secret", SafeMigrations: []string{"main"}}
			for _, o := range opts {
				if err := o(&cfg); err != nil {
					b.Fatal(err)
				}
			}
			e, err := emulator.New(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := e.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkBranchCreateAndDelete(b *testing.B) {
	benchStorages(b, func(b *testing.B, opts ...emulatortest.Option) {
		e := emulatortest.Start(b, append(opts, emulatortest.WithRateLimit(0))...)
		c, err := ps.NewClient(ps.WithBaseURL(e.URL()), ps.WithServiceToken(e.TokenID(), e.Token()))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		main, _ := e.BranchDatabase("app", "main")
		for i := range 10 {
			stmt := fmt.Sprintf("CREATE TABLE t%d (id BIGINT NOT NULL, name VARCHAR(64), PRIMARY KEY (id), KEY name (name))", i)
			if err := e.Storage().Exec(ctx, main, stmt); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			req := &ps.CreateDatabaseBranchRequest{Organization: e.Org(), Database: "app", Name: "bench"}
			if _, err := c.DatabaseBranches.Create(ctx, req); err != nil {
				b.Fatal(err)
			}
			del := &ps.DeleteDatabaseBranchRequest{Organization: e.Org(), Database: "app", Branch: "bench"}
			if err := c.DatabaseBranches.Delete(ctx, del); err != nil {
				b.Fatal(err)
			}
		}
	})
}
