package edge

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
)

// The targets vitess gives the tablets of the default keyspace; `pscale
// shell` connects with `-D @primary` (planetscale/cli internal/cmd/shell/
// shell.go), and "@replica" routes reads to replicas: "USE @replica",
// or "@replica" appended to the database name of the connection string
// (planetscale.com/docs/concepts/replicas, "How to query replicas").
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

// storageName maps the database a client names to the branch's storage
// database and the tablet type it targets. PlanetScale's schema name is the
// database's name, and vtgate takes a keyspace with a tablet type, "@primary"
// or "@replica" alone for the default keyspace, and none for the only
// keyspace of an unsharded database (vitess go/vt/vtgate/executorcontext/
// vcursor_impl.go SetTarget). The emulator has no replicas: a replica target
// reads the branch itself, so replication lag is not modelled, and writes
// are refused as on a replica (authorize). Other names are refused as
// vtgate refuses an unknown keyspace: VT05003, ERROR 1049 (42000) (vitess
// go/vt/vterrors/code.go).
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

// tabletType is the tablet type the session's statements go to: a replica
// password's always go to replicas ("All queries made using this
// credential will be routed to the nearest replica", concepts/replicas;
// whether USE @primary moves such a session to the primary is not
// documented, and the read-only answer is the safer one).
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
