package seedbranch

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/psflow/psflow/actions/shared"
)

// markerTable is the table seed-branch keeps in the branch's database: one
// row per run with the content hash of its files, its status, its numbers
// and what a failed run left behind.
const markerTable = shared.SeedMarkerTable

// The statuses of a run in the marker table.
const (
	statusRunning = "running"
	statusOK      = "ok"
	statusFailed  = "failed"
)

// markerDDL creates the marker table; it is valid on MySQL, MariaDB, Vitess
// and go-mysql-server.
const markerDDL = "CREATE TABLE IF NOT EXISTS `" + markerTable + "` (" +
	"`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, " +
	"`content_hash` CHAR(64) NOT NULL, " +
	"`status` VARCHAR(16) NOT NULL, " +
	"`files` TEXT NOT NULL, " +
	"`statements` BIGINT NOT NULL DEFAULT 0, " +
	"`rows_affected` BIGINT NOT NULL DEFAULT 0, " +
	"`bytes` BIGINT NOT NULL DEFAULT 0, " +
	"`started_at` DATETIME NOT NULL, " +
	"`finished_at` DATETIME NULL, " +
	"`error` TEXT NULL, " +
	"`snapshot` LONGTEXT NULL, " +
	"`leftover` LONGTEXT NULL)"

// pastRun is one row of the marker table: an earlier run.
type pastRun struct {
	ID         int64
	Hash       string
	Status     string
	StartedAt  time.Time
	FinishedAt sql.NullTime
	Snapshot   sql.NullString // JSON snapshot of the branch before the run
	Leftover   sql.NullString // JSON leftover of a failed run
}

// control is the run's own connection to the branch: it holds the lock
// that serializes runs on a branch and reads and writes the marker table.
type control struct {
	conn *sql.Conn
	lock string
}

// newControl takes a connection from the pool.
func newControl(ctx context.Context, pool *sql.DB) (*control, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var db sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&db); err != nil {
		_ = conn.Close()
		return nil, err
	}
	sum := sha256.Sum256([]byte(db.String))
	return &control{conn: conn, lock: "psflow_seed_" + hex.EncodeToString(sum[:12])}, nil
}

// errLockTimeout says another run held the branch's lock until the
// deadline.
var errLockTimeout = errors.New("another seed-branch run held the branch until the deadline")

// acquire takes the branch's named lock, waiting for another run to finish
// (waiting is logged once). It returns false, with no error, when the
// server has no named locks.
func (c *control) acquire(ctx context.Context, logf func(string, ...any)) (bool, error) {
	var got sql.NullInt64
	if err := c.conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 0)", c.lock).Scan(&got); err != nil {
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
	if err := c.conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, ?)", c.lock, int64(wait.Seconds())+1).Scan(&got); err != nil {
		return false, err
	}
	if got.Int64 != 1 {
		return false, errLockTimeout
	}
	return true, nil
}

// release gives the lock back and closes the connection.
func (c *control) release() {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	_, _ = c.conn.ExecContext(ctx, "DO RELEASE_LOCK(?)", c.lock)
	_ = c.conn.Close()
}

// latest creates the marker table when needed and returns its newest row,
// or nil when there is none.
func (c *control) latest(ctx context.Context) (*pastRun, error) {
	if _, err := c.conn.ExecContext(ctx, markerDDL); err != nil {
		return nil, fmt.Errorf("create table %s: %w", markerTable, err)
	}
	r := &pastRun{}
	err := c.conn.QueryRowContext(ctx, "SELECT `id`, `content_hash`, `status`, `started_at`, `finished_at`, `snapshot`, `leftover` FROM `"+
		markerTable+"` ORDER BY `id` DESC LIMIT 1").Scan(&r.ID, &r.Hash, &r.Status, &r.StartedAt, &r.FinishedAt, &r.Snapshot, &r.Leftover)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", markerTable, err)
	}
	return r, nil
}

// begin records a run as running, with the snapshot taken before it, and
// returns its id.
func (c *control) begin(ctx context.Context, set seedSet, snap string) (int64, error) {
	res, err := c.conn.ExecContext(ctx, "INSERT INTO `"+markerTable+"` (`content_hash`, `status`, `files`, `bytes`, `started_at`, `snapshot`) VALUES (?, ?, ?, ?, ?, ?)",
		set.Hash, statusRunning, set.names(), set.Bytes, time.Now().UTC().Truncate(time.Second), snap)
	if err != nil {
		return 0, fmt.Errorf("write table %s: %w", markerTable, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("write table %s: %w", markerTable, err)
	}
	return id, nil
}

// outcome is how a run ended, for the marker table.
type outcome struct {
	status     string
	statements int64
	rows       int64
	err        string // the failure, empty on success
	leftover   string // JSON leftover of a failed run
}

// finish records how the run ended.
func (c *control) finish(ctx context.Context, id int64, o outcome) error {
	_, err := c.conn.ExecContext(ctx, "UPDATE `"+markerTable+"` SET `status` = ?, `statements` = ?, `rows_affected` = ?, `finished_at` = ?, `error` = ?, `leftover` = ? WHERE `id` = ?",
		o.status, o.statements, o.rows, time.Now().UTC().Truncate(time.Second), nullable(o.err), nullable(o.leftover), id)
	if err != nil {
		return fmt.Errorf("write table %s: %w", markerTable, err)
	}
	return nil
}

// nullable is NULL for an empty string.
func nullable(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
