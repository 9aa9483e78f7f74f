package sqlload

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// textFile is a File over a string.
func textFile(name, text string) File {
	return File{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }}
}

// diskFile is a File over a test data file, with {db} replaced.
func diskFile(t *testing.T, path, db string) File {
	t.Helper()
	raw, err := os.ReadFile(path)
	assert.NilError(t, err)
	raw = bytes.ReplaceAll(raw, []byte("{db}"), []byte(db))
	return File{Name: path, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }}
}

// queryRows returns every row of a query, each column as a string (NULL as
// "NULL"), byte for byte.
func queryRows(t *testing.T, db *sql.DB, query string) [][]string {
	t.Helper()
	rows, err := db.Query(query)
	assert.NilError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	assert.NilError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		assert.NilError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			if v == nil {
				row[i] = "NULL"
			} else {
				row[i] = string(v)
			}
		}
		out = append(out, row)
	}
	assert.NilError(t, rows.Err())
	return out
}

func TestLoadDumpAndSeed(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	var progress []FileResult
	files := []File{diskFile(t, "testdata/dump.sql", s.name), diskFile(t, "testdata/more.sql", s.name)}
	res, err := Load(context.Background(), s.db, files, Options{Parallelism: 4, Progress: func(r FileResult) {
		progress = append(progress, r)
	}})
	assert.NilError(t, err)

	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id, name, avatar, badge FROM users ORDER BY id"), [][]string{
		{"1", "Zoë 😀🚀", "\x00\x00\n\r\\'\"\x1a\xff\xfeend", "\x00\xff\x10"},
		{"2", "it's O'Brien", "", "\xf0\x9f\x98\x80"},
		{"3", "日本語テキスト", "NULL", "NULL"},
		{"4", `Ωmega "4" (1)`, "\xde\xad\xbe\xef", "NULL"},
	})
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id, user_id, note, total, placed_at FROM orders ORDER BY id"), [][]string{
		{"1", "1", "first order; with a semicolon", "12.50", "2024-01-02T03:04:05Z"},
		{"2", "1", "-- not a comment /* nor this */ # nor this", "0.99", "2024-02-29T23:59:59Z"},
		{"3", "2", "multi\nline\r\nnote with \"quotes\" and `ticks`", "100.00", "2024-12-31T00:00:00Z"},
		{"4", "4", "added by add_order; see audit", "7.25", "2025-01-01T00:00:00Z"},
		{"5", "3", "added by add_order; see audit", "1.00", "2025-01-01T00:00:00Z"},
		{"6", "2", "direct", "3.50", "2025-02-02T02:02:02Z"},
	})
	// The trigger fired for the orders of more.sql only, not for the dumped rows.
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id, order_id, msg FROM audit ORDER BY id"), [][]string{
		{"1", "4", "order 4; total 7.25"}, {"2", "5", "order 5; total 1.00"}, {"3", "6", "order 6; total 3.50"},
	})
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT name, orders FROM user_orders ORDER BY name"), [][]string{
		{"it's O'Brien", "2"}, {"Zoë 😀🚀", "2"}, {"Ωmega \"4\" (1)", "1"}, {"日本語テキスト", "1"},
	})

	assert.Equal(t, len(res.Files), 2)
	dump, more := res.Files[0], res.Files[1]
	assert.Check(t, is.Equal(dump.Name, "testdata/dump.sql"))
	assert.Check(t, is.Equal(dump.Skipped, int64(6)), "three LOCK TABLES and three UNLOCK TABLES")
	assert.Check(t, is.Equal(dump.Statements, int64(85)))
	assert.Check(t, is.Equal(dump.Rows, int64(6)))
	assert.Check(t, is.Equal(more.Statements, int64(9)))
	assert.Check(t, dump.Bytes > 7000 && more.Bytes > 600)
	assert.Check(t, is.Equal(res.Statements, dump.Statements+more.Statements))
	assert.Check(t, is.Equal(res.Rows, dump.Rows+more.Rows))
	assert.Check(t, res.Duration >= dump.Duration)
	assert.Check(t, is.DeepEqual(progress, res.Files), "Progress reports each file once, in order")
}

func TestLoadParallelMatchesSerial(t *testing.T) {
	t.Parallel()
	var dump bytes.Buffer
	rows, err := writeDump(&dump, dumpSpec{tables: 4, bytes: 3 << 20, insertBytes: 64 << 10})
	assert.NilError(t, err)
	checksums := map[int][][]string{}
	for _, parallelism := range []int{1, 4} {
		s := newScratch(t)
		res, err := Load(context.Background(), s.db, []File{textFile("dump.sql", dump.String())},
			Options{Parallelism: parallelism, BatchBytes: 256 << 10, MaxBuffered: 1 << 20})
		assert.NilError(t, err)
		assert.Check(t, is.Equal(res.Rows, rows))
		assert.Check(t, is.Equal(res.Bytes, int64(dump.Len())))
		checksums[parallelism] = queryRows(t, s.db, "CHECKSUM TABLE t0, t1, t2, t3 EXTENDED")
		for i, row := range checksums[parallelism] {
			checksums[parallelism][i][0] = strings.TrimPrefix(row[0], s.name+".")
		}
		assert.DeepEqual(t, queryRows(t, s.db, "SELECT COUNT(*) FROM t3"), [][]string{{itoa(rows / 4)}})
	}
	assert.DeepEqual(t, checksums[1], checksums[4])
}

func TestLoadForeignKeysInFileOrder(t *testing.T) {
	t.Parallel()
	// FOREIGN_KEY_CHECKS stays on: each child row needs its parent, inserted just before by another
	// statement, so parent and child must share a connection; the unrelated table need not.
	var b strings.Builder
	b.WriteString("CREATE TABLE parent (id INT PRIMARY KEY);\n" +
		"CREATE TABLE child (id INT PRIMARY KEY, pid INT NOT NULL, FOREIGN KEY (pid) REFERENCES parent (id));\n" +
		"CREATE TABLE other (id INT PRIMARY KEY);\n")
	const n = 300
	for i := 1; i <= n; i++ {
		b.WriteString("INSERT INTO parent VALUES (" + itoa(int64(i)) + ");\n")
		b.WriteString("INSERT INTO other VALUES (" + itoa(int64(i)) + ");\n")
		b.WriteString("INSERT INTO child VALUES (" + itoa(int64(i)) + ", " + itoa(int64(i)) + ");\n")
	}
	s := newScratch(t)
	res, err := Load(context.Background(), s.db, []File{textFile("fk.sql", b.String())}, Options{Parallelism: 4, BatchBytes: 64})
	assert.NilError(t, err)
	assert.Check(t, is.Equal(res.Rows, int64(3*n)))
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT COUNT(*) FROM child JOIN parent ON parent.id = child.pid"), [][]string{{itoa(n)}})
}

func TestLoadSessionStateReachesWorkers(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	script := `CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20));
CREATE TABLE b (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES a (id));
CREATE TABLE c (id INT PRIMARY KEY, ts TIMESTAMP NULL);
SET sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO');
SET @v = 'from a variable';
INSERT INTO a VALUES (0, @v);
SET FOREIGN_KEY_CHECKS = 0;
INSERT INTO b VALUES (1, 999);
SET FOREIGN_KEY_CHECKS = 1;
SET time_zone = '+05:00';
INSERT INTO c VALUES (1, '2024-01-01 05:00:00');
SET time_zone = '+00:00';
INSERT INTO c VALUES (2, '2024-01-01 00:00:00');
CREATE TEMPORARY TABLE tmp (id INT);
INSERT INTO tmp VALUES (7), (8);
CREATE TABLE d (id INT);
INSERT INTO d SELECT id FROM tmp;
`
	_, err := Load(context.Background(), s.db, []File{textFile("session.sql", script)}, Options{Parallelism: 3})
	assert.NilError(t, err)
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id, v FROM a"), [][]string{{"0", "from a variable"}})
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id, pid FROM b"), [][]string{{"1", "999"}})
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id, UNIX_TIMESTAMP(ts) FROM c ORDER BY id"), [][]string{{"1", "1704067200"}, {"2", "1704067200"}})
	// The temporary table lives on the session connection only.
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id FROM d ORDER BY id"), [][]string{{"7"}, {"8"}})
}

func TestLoadSmallPool(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	script := textFile("pool.sql", "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\nINSERT INTO a VALUES (1);\nINSERT INTO b VALUES (2);\n")
	s.db.SetMaxOpenConns(2)
	res, err := Load(context.Background(), s.db, []File{script}, Options{Parallelism: 4})
	assert.NilError(t, err, "one session and one worker connection fit in the pool")
	assert.Check(t, is.Equal(res.Rows, int64(2)))
	s.db.SetMaxOpenConns(1)
	_, err = Load(context.Background(), s.db, []File{script}, Options{})
	assert.Error(t, err, "load sql: the connection pool allows 1 connection, at least 2 are needed")
}

func TestLoadFailureStopsAtLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		script  string
		line    int
		errText string
		number  uint16 // server error number, 0 when not a server error
	}{
		{
			name: "duplicate row on a worker",
			script: "CREATE TABLE t (id INT PRIMARY KEY, v TEXT);\n" +
				"INSERT INTO t VALUES (1, 'one');\n" +
				"INSERT INTO t VALUES (2, 'two'),\n  (3, 'three');\n" +
				"INSERT INTO t VALUES (4, 'x'), (1, 'again; and a long text that the error message must cut short because it goes on and on and on');\n" +
				"INSERT INTO t VALUES (5, 'after');\n" +
				"CREATE TABLE other (id INT);\n" + // may run: it is about another table
				"CREATE VIEW after_failure AS SELECT * FROM t;\n",
			line: 5, number: 1062,
			errText: "bad.sql:5: Error 1062 (23000): Duplicate entry '1' for key 'PRIMARY' (statement: INSERT INTO t VALUES (4, '…'), (1, '…'))",
		},
		{
			name:   "schema error on the session connection",
			script: "CREATE TABLE t (id INT PRIMARY KEY, v TEXT);\nINSERT INTO t VALUES (1, 'one');\n\nCREATE VIEW v AS SELECT nope FROM t;\nINSERT INTO t VALUES (5, 'after');\nCREATE VIEW after_failure AS SELECT 1;\n",
			line:   4, number: 1054,
			errText: "bad.sql:4: Error 1054 (42S22): Unknown column 'nope' in 'SELECT' (statement: CREATE VIEW v AS SELECT nope FROM t)",
		},
		{
			name:    "unterminated string",
			script:  "CREATE TABLE t (id INT PRIMARY KEY, v TEXT);\nINSERT INTO t VALUES (1, 'one');\nINSERT INTO t VALUES (5, 'after);\nCREATE VIEW after_failure AS SELECT 1;\n",
			line:    3,
			errText: "bad.sql:3: unterminated quoted string",
		},
	}
	for _, tc := range tests {
		for _, parallelism := range []int{1, 4} {
			t.Run(tc.name+"/p"+itoa(int64(parallelism)), func(t *testing.T) {
				t.Parallel()
				testFailure(t, tc.script, tc.errText, tc.line, tc.number, parallelism)
			})
		}
	}
}

// testFailure loads a failing script and checks the error and what ran.
func testFailure(t *testing.T, script, errText string, line int, number uint16, parallelism int) {
	s := newScratch(t)
	_, err := Load(context.Background(), s.db, []File{textFile("bad.sql", script)}, Options{Parallelism: parallelism})
	assert.Error(t, err, errText)
	assert.Check(t, !strings.Contains(err.Error(), s.dsn))
	if number != 0 {
		var se *StatementError
		assert.Assert(t, errors.As(err, &se))
		assert.Check(t, is.Equal(se.Line, line))
		var me *mysql.MySQLError
		assert.Assert(t, errors.As(err, &me))
		assert.Check(t, is.Equal(me.Number, number))
	}
	// Nothing after the failing statement ran on its table, nor anything
	// that waits for all rows; with Parallelism 1 nothing at all.
	assert.DeepEqual(t, queryRows(t, s.db, "SELECT id FROM t WHERE id >= 4"), [][]string(nil))
	tables := "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('after_failure', 'other')"
	if parallelism > 1 {
		tables += " AND TABLE_NAME <> 'other'"
	}
	assert.DeepEqual(t, queryRows(t, s.db, tables), [][]string(nil))
}

// A syntax error names the line of the file the server points at, and
// quotes no literal of the statement.
func TestLoadSyntaxErrorNamesItsLine(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	script := "CREATE TABLE t (id INT PRIMARY KEY, v TEXT);\n\nINSERT INTO t VALUES\n  (2, 'two'),\n  (3, 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI' 3);\n"
	_, err := Load(context.Background(), s.db, []File{textFile("bad.sql", script)}, Options{})
	var se *StatementError
	assert.Assert(t, errors.As(err, &se), "got %v", err)
	assert.Check(t, is.Equal(se.Line, 5))
	assert.Check(t, is.Equal(se.StatementLine, 3))
	assert.Check(t, is.ErrorContains(err, "bad.sql:5: Error 1064 (42000): You have an error in your SQL syntax"))
	assert.Check(t, is.ErrorContains(err, "near '3)' (statement from line 3: INSERT INTO t VALUES (2, '…'), (3, '…' 3))"))
	assert.Check(t, !strings.Contains(err.Error(), "wJalr"))
	assert.Check(t, !strings.Contains(err.Error(), "at line"))
}

func TestLoadStatementOverMaxAllowedPacket(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	var limit int64
	assert.NilError(t, s.db.QueryRow("SELECT @@max_allowed_packet").Scan(&limit))
	big := "INSERT INTO t VALUES (1, '" + strings.Repeat("x", int(limit)) + "')"
	_, err := Load(context.Background(), s.db, []File{textFile("big.sql", "CREATE TABLE t (id INT, v LONGTEXT);\n\n"+big)}, Options{})
	assert.Assert(t, errors.Is(err, ErrTooLarge), "got %v", err)
	assert.ErrorContains(t, err, "big.sql:3: statement larger than max_allowed_packet: the statement has")
}

func TestLoadCancel(t *testing.T) {
	t.Parallel()
	var dump bytes.Buffer
	_, err := writeDump(&dump, dumpSpec{tables: 4, bytes: 6 << 20, insertBytes: 128 << 10})
	assert.NilError(t, err)
	tests := []struct {
		name     string
		script   string
		cancelAt int // cancel once the loader has read this many bytes
	}{
		{"while workers load rows", dump.String(), 2 << 20},
		{"while the session connection waits", "SELECT 1;\nSELECT SLEEP(30);\nSELECT 2;\n", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScratch(t)
			ctx, cancel := context.WithCancel(context.Background())
			var cancelled time.Time
			stop := func() { cancelled = time.Now(); cancel() }
			file := File{Name: "x.sql", Open: func() (io.ReadCloser, error) {
				if tc.cancelAt < 0 {
					time.AfterFunc(300*time.Millisecond, stop)
					return io.NopCloser(strings.NewReader(tc.script)), nil
				}
				head := strings.NewReader(tc.script[:tc.cancelAt])
				tail := strings.NewReader(tc.script[tc.cancelAt:])
				return io.NopCloser(io.MultiReader(head, readFunc(func(p []byte) (int, error) {
					if cancelled.IsZero() {
						stop()
					}
					return tail.Read(p)
				}))), nil
			}}
			_, err := Load(ctx, s.db, []File{file}, Options{})
			assert.Assert(t, errors.Is(err, context.Canceled), "got %v", err)
			assert.Assert(t, !cancelled.IsZero())
			assert.Check(t, time.Since(cancelled) < time.Second, "Load returned %v after cancel", time.Since(cancelled))
		})
	}
}

// readFunc is an io.Reader made of a function.
type readFunc func([]byte) (int, error)

// Read calls f.
func (f readFunc) Read(p []byte) (int, error) { return f(p) }

func TestLoadOpenError(t *testing.T) {
	t.Parallel()
	s := newScratch(t)
	missing := File{Name: "missing.sql", Open: func() (io.ReadCloser, error) { return os.Open("testdata/does-not-exist.sql") }}
	res, err := Load(context.Background(), s.db, []File{textFile("ok.sql", "CREATE TABLE ok (id INT);"), missing}, Options{})
	assert.Assert(t, errors.Is(err, os.ErrNotExist), "got %v", err)
	assert.ErrorContains(t, err, "missing.sql: open:")
	assert.Equal(t, len(res.Files), 2)
	assert.Equal(t, res.Files[0].Statements, int64(1))
}

// itoa formats an integer.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }
