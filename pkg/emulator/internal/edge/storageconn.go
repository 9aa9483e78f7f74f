package edge

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/dolthub/vitess/go/mysql"
)

// utf8mb4GeneralCI is the collation of a client that names none: one
// MySQL and MariaDB both know.
const utf8mb4GeneralCI = 45

// connectTimeout bounds the login to storage.
const connectTimeout = 15 * time.Second

// conn returns the storage connection, opening it on the branch's database as the
// password's own MySQL user, with the client's collation and CLIENT_FOUND_ROWS choice.
func (s *session) conn(ctx context.Context) (*mysql.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, mysql.NewSQLError(mysql.CRServerGone, mysql.SSUnknownSQLState, "the edge is shutting down")
	}
	if s.backend != nil && !s.backend.IsClosed() {
		return s.backend, nil
	}
	params, err := s.params()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	b, err := mysql.Connect(ctx, params)
	if err != nil {
		return nil, err
	}
	if err := singleStatements(b, connectTimeout); err != nil {
		b.Close()
		return nil, err
	}
	if s.backend != nil {
		s.prepared = map[string]statement{} // gone with the old session
	}
	s.backend = b
	return b, nil
}

// params are a storage connection's as the password's own MySQL user, on the branch's
// database, with the client's collation and its CLIENT_FOUND_ROWS choice.
func (s *session) params() (*mysql.ConnParams, error) {
	collation := int(s.c.CharacterSet)
	if collation == 0 {
		collation = utf8mb4GeneralCI
	}
	params := &mysql.ConnParams{
		Uname: s.acct.User, Pass: s.acct.Password, DbName: s.acct.Storage,
		Charset: strconv.Itoa(collation), ConnectTimeoutMs: uint64(connectTimeout.Milliseconds()),
	}
	if s.h.storageNet == "unix" {
		params.UnixSocket = s.h.storage
	} else {
		host, portText, err := net.SplitHostPort(s.h.storage)
		if err != nil {
			return nil, fmt.Errorf("storage address %s: %w", s.h.storage, err)
		}
		if params.Port, err = strconv.Atoi(portText); err != nil {
			return nil, fmt.Errorf("storage address %s: %w", s.h.storage, err)
		}
		params.Host = host
	}
	if s.c.Capabilities&mysql.CapabilityClientFoundRows != 0 {
		params.Flags |= mysql.CapabilityClientFoundRows
	}
	return params, nil
}

// singleStatements turns multi statements off on a storage connection (COM_SET_OPTION),
// so each statement the edge checks is one to storage too (docs/design/emulator-edge.md).
func singleStatements(b *mysql.Conn, timeout time.Duration) error {
	if err := b.Conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	defer func() { _ = b.Conn.SetDeadline(time.Time{}) }()
	// Payload length 3, sequence 0; COM_SET_OPTION, option 1 (uint16).
	if _, err := b.Conn.Write([]byte{3, 0, 0, 0, mysql.ComSetOption, 1, 0}); err != nil {
		return fmt.Errorf("turn multi statements off on storage: %w", err)
	}
	var header [4]byte
	if _, err := io.ReadFull(b.Conn, header[:]); err != nil {
		return fmt.Errorf("turn multi statements off on storage: %w", err)
	}
	payload := make([]byte, int(header[0])|int(header[1])<<8|int(header[2])<<16)
	if _, err := io.ReadFull(b.Conn, payload); err != nil {
		return fmt.Errorf("turn multi statements off on storage: %w", err)
	}
	if len(payload) == 0 || payload[0] == mysql.ErrPacket {
		return fmt.Errorf("turn multi statements off on storage: refused (%q)", payload)
	}
	return nil
}
