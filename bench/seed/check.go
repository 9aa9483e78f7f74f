package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
)

// check compares the row count of every table of the dump in database with the dump's, and a
// hash of its rows with the first load's (no CHECKSUM TABLE in go-mysql-server).
func (b *bench) check(ctx context.Context, admin *sql.DB, database, tool string) error {
	got := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(b.stats.Rows)) {
		n, sum, err := hashRows(ctx, admin, fmt.Sprintf("`%s`.`%s`", database, name))
		if err != nil {
			return fmt.Errorf("%s: hash %s: %w", tool, name, err)
		}
		if n != b.stats.Rows[name] {
			return fmt.Errorf("%s: table %s has %d rows, the dump %d", tool, name, n, b.stats.Rows[name])
		}
		got[name] = sum
	}
	if b.want == nil {
		b.want = got
		return nil
	}
	if !maps.Equal(got, b.want) {
		return fmt.Errorf("%s: table hashes %v differ from the first load's %v", tool, got, b.want)
	}
	return nil
}

// hashRows counts table's rows and hashes them in primary-key order (the dump's first
// column): SHA-256 of each value's text, length-prefixed, NULL apart.
func hashRows(ctx context.Context, admin *sql.DB, table string) (int, string, error) {
	rows, err := admin.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1")
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, "", err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := sha256.New()
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		for _, v := range vals {
			if v == nil {
				h.Write([]byte{0})
				continue
			}
			h.Write(binary.AppendUvarint([]byte{1}, uint64(len(v))))
			h.Write(v)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)[:8]), nil
}
