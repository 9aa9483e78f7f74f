package history_test

import (
	"testing"

	"github.com/psflow/psflow/internal/history"
	"github.com/psflow/psflow/pkg/emulator"
	"github.com/psflow/psflow/pkg/emulator/emulatortest"
)

// burstScale runs the realistic timings 20 times faster: a 90 s revert window, deployments
// of about 3 s, and wait-and-deploy's 60 minute default timeout as 3 minutes.
const burstScale = 0.05

// Five pull requests merged within a minute deploy in order under the
// defaults, through the psflow binary, on both storages.
func TestBurstOfMerges(t *testing.T) {
	timings, err := emulator.ProfileTimings(emulator.ProfileRealistic)
	if err != nil {
		t.Fatal(err)
	}
	emulatortest.EachStorage(t, func(t *testing.T, opts ...emulatortest.Option) {
		t.Parallel()
		em := emulatortest.Start(t, append(opts, emulatortest.WithTimings(timings), emulatortest.WithTimeScale(burstScale))...)
		history.Burst(t, em, burstScale)
	})
}
