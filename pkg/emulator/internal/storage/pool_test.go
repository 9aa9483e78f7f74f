package storage

import (
	"sync"
	"testing"

	"gotest.tools/v3/assert"
)

// TestAdminPoolWithinTheServersConnections checks the pool holds at most a quarter
// of the server's connections (4 to 32) and that more calls wait, not fail.
func TestAdminPoolWithinTheServersConnections(t *testing.T) {
	each(t, func(t *testing.T, s *Server) {
		ctx := testCtx(t)
		var limit int
		assert.NilError(t, s.db.QueryRowContext(ctx, "SELECT @@max_connections").Scan(&limit))
		size := s.AdminConns()
		assert.Equal(t, size, min(max(limit/4, minAdminConns), maxAdminConns))

		db := newDatabase(t, s, newNamer(t, s), "pool", "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
		var wg sync.WaitGroup
		errs := make(chan error, 3*size)
		for range 3 * size {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Schema(ctx, db)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.Check(t, err)
		}
		assert.Check(t, s.db.Stats().OpenConnections <= size, "%d open", s.db.Stats().OpenConnections)
	})
}
