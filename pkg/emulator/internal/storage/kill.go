package storage

import (
	"context"
	"fmt"
)

// Kill ends what connection id runs, or with query false the connection, as admin:
// go-mysql-server lets no other user kill a connection, not even its own user.
func (s *Server) Kill(ctx context.Context, id int64, query bool) error {
	stmt := fmt.Sprintf("KILL CONNECTION %d", id)
	if query {
		stmt = fmt.Sprintf("KILL QUERY %d", id)
	}
	if _, err := s.db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("kill %d: %w", id, err)
	}
	return nil
}
