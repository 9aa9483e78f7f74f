package history_test

import (
	"testing"

	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
)

// One repository's life with goose as the team's migration tool, on
// both storages.
func TestGooseHistory(t *testing.T) {
	eachGoose(t, func(t *testing.T, em *emulator.Emulator, r *history.GooseRunner) { history.GooseHistory(t, em, r) })
}

// Two goose pull requests overlap: the second's goose_db_version row is
// not copied into production, on both storages.
func TestGooseOverlap(t *testing.T) {
	eachGoose(t, history.GooseOverlap)
}

// eachGoose builds goose, then plays a scenario on each storage against
// an emulator with automatic migrations on for goose's table.
func eachGoose(t *testing.T, play func(*testing.T, *emulator.Emulator, *history.GooseRunner)) {
	history.Goose(t)
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, opts...)
		history.SetupGoose(t, em)
		play(t, em, history.NewGooseRunner(em))
	})
}
