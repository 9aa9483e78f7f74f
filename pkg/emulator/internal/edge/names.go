package edge

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
)

// The targets of the default keyspace's tablets: `pscale shell` connects with -D @primary
// (pscale internal/cmd/shell/shell.go), "@replica" reads replicas (docs/concepts/replicas).
const (
	primary = "@primary"
	replica = "@replica"
)

// The tablet types a session's statements go to, as vtgate names them in
// an error's target ("target: app.-.primary: …").
const (
	tabletPrimary = "primary"
	tabletReplica = "replica"
)

// storageName maps the database a client names to the branch's storage database and
// the tablet type it targets, as vtgate's SetTarget does (docs/design/emulator-edge.md).
func storageName(acct Account, name string) (storage, tablet string, err error) {
	tablet = tabletPrimary
	keyspace := strings.TrimSuffix(name, primary)
	if k, ok := strings.CutSuffix(name, replica); ok {
		keyspace, tablet = k, tabletReplica
	}
	switch keyspace {
	case "", acct.Database:
		return acct.Storage, tablet, nil
	}
	return "", "", mysql.NewSQLError(mysql.ERBadDb, mysql.SSClientError, "VT05003: unknown database '%s' in vschema", name)
}

// tabletType is the tablet type the session's statements go to; a replica password's
// always go to replicas (concepts/replicas; docs/design/emulator-edge.md).
func (s *session) tabletType() string {
	if s.acct.Replica {
		return tabletReplica
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.target == "" {
		return tabletPrimary
	}
	return s.target
}

// setTarget records the database a USE or the handshake named, and the
// tablet type it chose.
func (s *session) setTarget(name, tablet string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chose, s.target = name, tablet
}

// chosen is the database the last USE or handshake named, as named.
func (s *session) chosen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chose
}
