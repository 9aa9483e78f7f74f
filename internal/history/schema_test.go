package history_test

import (
	"testing"

	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
)

// One repository's life in schema mode, through the psflow binary, on
// both storages.
func TestSchemaHistory(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		r := history.NewBinary(em)
		history.SchemaHistory(t, em, r)
		r.WriteReport(t)
	})
}

// One repository's life in migrations mode, through the psflow binary,
// on both storages.
func TestMigrationsHistory(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		history.SetupMigrations(t, em)
		history.MigrationsHistory(t, em, history.NewMigrationsBinary(em))
	})
}

// The advice on a conflict before the merge, followed, through the psflow
// binary, on both storages.
func TestAdviceBeforeMerge(t *testing.T) {
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		history.AdviceBeforeMerge(t, em, history.NewBinary(em))
	})
}
