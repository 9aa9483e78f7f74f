package seedbranch

import (
	"fmt"
	"time"

	"github.com/psflow/psflow/pkg/sqlload"
	"github.com/psflow/psflow/pkg/step"
)

// heartbeatEnv is a knob for tests: the time between two progress lines
// of a long load, instead of sqlload.DefaultHeartbeatInterval.
const heartbeatEnv = "PSFLOW_HEARTBEAT_INTERVAL"

// heartbeatInterval reads heartbeatEnv; 0 means the default.
func heartbeatInterval(s *step.Step) (time.Duration, error) {
	v := s.Getenv(heartbeatEnv)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, step.Usagef("%s: %q is not a positive duration", heartbeatEnv, v)
	}
	return d, nil
}

// loadOptions are the options of every load: a progress line about every
// 10 s while it runs.
func (sd *seeder) loadOptions(parallelism int) sqlload.Options {
	return sqlload.Options{Parallelism: parallelism, Heartbeat: sd.heartbeat, HeartbeatInterval: sd.interval}
}

// heartbeat logs how far a load got: "loading db/data/big.sql: 2.1 MiB of
// 5.2 MiB (40%), 41200 rows in 10s, 4120 rows/s".
func (sd *seeder) heartbeat(st sqlload.Status) {
	line := fmt.Sprintf("loading %s: %s", st.File, ofTotal(st.FileDone, st.FileSize))
	if st.Size != st.FileSize {
		line += fmt.Sprintf(" (all files: %s)", ofTotal(st.Done, st.Size))
	}
	sd.s.Logf("%s, %d rows in %s, %s", line, st.Rows, st.Elapsed.Round(100*time.Millisecond), rate(st.Rows, st.Elapsed))
}

// ofTotal says how many bytes of a total: "2.1 MiB of 5.2 MiB (40%)", or
// the bytes alone when the total is unknown.
func ofTotal(done, total int64) string {
	if total <= 0 {
		return size(done)
	}
	return fmt.Sprintf("%s of %s (%d%%)", size(done), size(total), done*100/total)
}
