// Package ddl computes PlanetScale-style schema diffs and lint findings for
// the psflow emulator. Schemas are lists of CREATE TABLE / CREATE VIEW
// statements as printed by SHOW CREATE on MariaDB or go-mysql-server; they
// are normalised to MySQL's canonical form and then diffed with vitess
// schemadiff, the engine PlanetScale itself uses for deploy requests.
package ddl

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"vitess.io/vitess/go/mysql/collations"
	vtlog "vitess.io/vitess/go/vt/log"
	"vitess.io/vitess/go/vt/schemadiff"
	"vitess.io/vitess/go/vt/vtenv"
)

// mysqlVersion is the MySQL flavour the generated DDL targets; PlanetScale
// databases run MySQL 8.0.
const mysqlVersion = "8.0.40"

// environment returns the shared, read-only schemadiff environment; its first
// use quiets vitess' logger to warnings (docs/design/emulator-ddl.md).
var environment = sync.OnceValues(func() (*schemadiff.Environment, error) {
	quietVitessLog()
	venv, err := vtenv.New(vtenv.Options{MySQLServerVersion: mysqlVersion})
	if err != nil {
		return nil, fmt.Errorf("create vitess environment: %w", err)
	}
	coll := venv.CollationEnv().LookupByName("utf8mb4_0900_ai_ci")
	if coll == collations.Unknown {
		coll = venv.CollationEnv().DefaultConnectionCharset()
	}
	return schemadiff.NewEnv(venv, coll), nil
})

// diffHints are the schemadiff settings of every plan: constraints compared by
// definition, counters ignored, tables created first (docs/design/emulator-ddl.md).
func diffHints() *schemadiff.DiffHints {
	return &schemadiff.DiffHints{
		AutoIncrementStrategy:   schemadiff.AutoIncrementIgnore,
		ConstraintNamesStrategy: schemadiff.ConstraintNamesIgnoreAll,
		ColumnRenameStrategy:    schemadiff.ColumnRenameAssumeDifferent,
		TableRenameStrategy:     schemadiff.TableRenameAssumeDifferent,
		ForeignKeyCheckStrategy: schemadiff.ForeignKeyCheckStrategyCreateTableFirst,
	}
}

// quietVitessLog keeps vitess's logger but drops its records below warning.
func quietVitessLog() {
	prev := vtlog.SwapLogger(slog.New(slog.DiscardHandler))
	if prev == nil {
		return
	}
	vtlog.SwapLogger(slog.New(minLevelHandler{inner: prev.Handler(), min: slog.LevelWarn}))
}

// minLevelHandler forwards records at or above min to inner.
type minLevelHandler struct {
	inner slog.Handler
	min   slog.Level
}

func (h minLevelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.inner.Enabled(ctx, l)
}

func (h minLevelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{inner: h.inner.WithAttrs(attrs), min: h.min}
}

func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{inner: h.inner.WithGroup(name), min: h.min}
}
