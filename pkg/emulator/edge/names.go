package edge

import (
	"strings"

	"github.com/dolthub/vitess/go/mysql"
)

// primary is the target vitess gives the primary tablets of the default
// keyspace; `pscale shell` connects with `-D @primary` (planetscale/cli
// internal/cmd/shell/shell.go).
const primary = "@primary"

// storageName maps the database a client names to the branch's storage
// database. PlanetScale's schema name is the database's name, and vtgate
// takes a keyspace with a tablet type, "@primary" alone for the default
// keyspace, and none for the only keyspace of an unsharded database
// (vitess go/vt/vtgate/executorcontext/vcursor_impl.go SetTarget). Other
// names, @replica included (the edge has no replicas), are refused as
// vtgate refuses an unknown keyspace: VT05003, ERROR 1049 (42000)
// (vitess go/vt/vterrors/code.go).
func storageName(acct Account, name string) (string, error) {
	switch strings.TrimSuffix(name, primary) {
	case "", acct.Database:
		return acct.Storage, nil
	}
	return "", mysql.NewSQLError(mysql.ERBadDb, mysql.SSClientError, "VT05003: unknown database '%s' in vschema", name)
}
