package seedbranch

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"regexp"
	"time"

	"github.com/psflow/psflow/internal/branchconn"
)

// conn is the run's own connection to the branch: it holds the lock that
// serializes runs on a branch, reads the schema and changes it.
type conn struct {
	c    *sql.Conn
	lock string
}

// newConn takes a connection from the pool, with foreign key checks off
// so that tables can be created, rebuilt and dropped in any order.
func newConn(ctx context.Context, pool *sql.DB) (*conn, error) {
	c, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var db sql.NullString
	if err := c.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db); err != nil {
		_ = c.Close()
		return nil, err
	}
	if _, err := c.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
		_ = c.Close()
		return nil, err
	}
	sum := sha256.Sum256([]byte(db.String))
	return &conn{c: c, lock: "psflow_seed_" + hex.EncodeToString(sum[:12])}, nil
}

// errLockTimeout says another run held the branch's lock until the
// deadline.
var errLockTimeout = errors.New("another seed-branch run held the branch until the deadline")

// acquire takes the branch's named lock, waiting for another run (logged
// once); it returns false, with no error, when the server has no named locks.
func (c *conn) acquire(ctx context.Context, logf func(string, ...any)) (bool, error) {
	var got sql.NullInt64
	if err := c.c.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", c.lock).Scan(&got); err != nil {
		if ctx.Err() != nil {
			return false, err
		}
		return false, nil
	}
	if got.Int64 == 1 {
		return true, nil
	}
	wait := 365 * 24 * time.Hour
	if dl, ok := ctx.Deadline(); ok {
		wait = time.Until(dl)
	}
	logf("waiting for another seed-branch run on this branch to finish")
	if err := c.c.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", c.lock, int64(wait.Seconds())+1).Scan(&got); err != nil {
		return false, err
	}
	if got.Int64 != 1 {
		return false, errLockTimeout
	}
	return true, nil
}

// release gives the lock back and closes the connection.
func (c *conn) release() {
	ctx, cancel := context.WithTimeout(context.Background(), branchconn.CleanupTimeout)
	defer cancel()
	_, _ = c.c.ExecContext(ctx, "DO RELEASE_LOCK(?)", c.lock)
	_ = c.c.Close()
}

// exec runs statements in order and stops at the first error.
func (c *conn) exec(ctx context.Context, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.c.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// strings runs a query and returns its rows as strings.
func (c *conn) strings(ctx context.Context, query string, args ...any) ([][]string, error) {
	rows, err := c.c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// autoIncrement matches the table option SHOW CREATE TABLE adds once a
// table has had rows.
var autoIncrement = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// showCreate returns a table's definition without its AUTO_INCREMENT=n
// option, which differs once rows exist.
func (c *conn) showCreate(ctx context.Context, name string) (string, error) {
	var got, def string
	if err := c.c.QueryRowContext(ctx, "SHOW CREATE TABLE "+quoteName(name)).Scan(&got, &def); err != nil {
		return "", err
	}
	return autoIncrement.ReplaceAllString(def, ""), nil
}

// quoteName quotes an identifier with backticks.
var quoteName = branchconn.QuoteName
