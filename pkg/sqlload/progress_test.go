package sqlload

import (
	"context"
	"sync"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// While a statement runs after the rows of a file, the heartbeat says how much of the file and
// of the load ran: the bytes up to the end of the rows' last statement, and the rows.
func TestLoadHeartbeat(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	rows := "CREATE TABLE t (id INT PRIMARY KEY);\n-- three rows\nINSERT INTO t VALUES (1), (2);\nINSERT INTO t VALUES (3);\n"
	first := rows + "SELECT SLEEP(1);\nINSERT INTO t VALUES (4);\n"
	second := "INSERT INTO t VALUES (5);\n"
	files := []File{
		{Name: "first.sql", Size: int64(len(first)), Open: textFile("", first).Open},
		{Name: "second.sql", Size: int64(len(second)), Open: textFile("", second).Open},
	}
	var (
		mu   sync.Mutex
		seen []Status
	)
	res, err := Load(context.Background(), s.db, files, Options{
		HeartbeatInterval: heartbeatForTests,
		Heartbeat: func(st Status) {
			mu.Lock()
			seen = append(seen, st)
			mu.Unlock()
		},
	})
	assert.NilError(t, err)
	assert.Check(t, is.Equal(res.Rows, int64(5)))
	ran := int64(len(rows) - 1) // up to the last delimiter that ran
	want := Status{File: "first.sql", FileDone: ran, FileSize: int64(len(first)),
		Done: ran, Size: int64(len(first) + len(second)), Statements: 3, Rows: 3}
	mu.Lock()
	defer mu.Unlock()
	found := false
	for _, st := range seen {
		assert.Check(t, st.Elapsed > 0)
		assert.Check(t, st.RowsPerSecond() >= 0)
		st.Elapsed = 0
		found = found || st == want
	}
	assert.Check(t, found, "no heartbeat during SLEEP(1) says %+v; got %+v", want, seen)
}

// heartbeatForTests is short enough for several heartbeats in a second.
const heartbeatForTests = 100 * time.Millisecond
