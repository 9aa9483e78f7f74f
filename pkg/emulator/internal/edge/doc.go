// Package edge is the emulator's MySQL edge: the one MySQL address the API
// hands out, in front of the storage server, as PlanetScale's edge is in
// front of its branches (planetscale.com/docs/vitess/connecting/
// connection-strings). A client logs in with a branch password; the edge
// checks it (and its cidrs and TTL), opens a session on the branch's
// storage database as that password's MySQL user, so the storage enforces
// the role's grants, and relays each statement. It maps the names a
// client may give for the database — the PlanetScale database, "@primary",
// or none — in the handshake, COM_INIT_DB and USE, requires TLS with a
// certificate of a CA it makes, and refuses direct DDL while the branch
// has safe migrations on, DDL run through another statement (PREPARE and
// EXECUTE, CALL, executable comments, MariaDB's EXECUTE IMMEDIATE and
// compound statements) included. Temporary tables pass whatever the safe
// migrations, as vtgate runs them; triggers, procedures, functions and
// events are refused on every branch, as PlanetScale supports no stored
// routines. After a statement that may have changed the schema it tells
// the Directory (SchemaChanged). It enforces PlanetScale's query limits
// (limits.go, killer.go), the password's role as vttablet's table ACLs
// (acl.go), read-only replica targets (names.go), and shows the client
// the database by its PlanetScale name only (rename.go).
//
// It is built on dolthub's fork of vitess' go/mysql, the listener and
// client under go-mysql-server, weighed against the other kept MySQL
// protocol libraries:
//
//   - vitess.io/vitess go/mysql (already a dependency, for schemadiff) is
//     PlanetScale's own stack: vtgate's listener, and that of psdbproxy,
//     which `pscale connect` and `pscale shell` run. But it cannot be
//     linked beside go-mysql-server, which the emulator needs for its
//     embedded storage: both packages publish the same expvar names
//     ("MysqlServerTimings", …) at init, and the process panics.
//   - github.com/go-mysql-org/go-mysql v1.13.0 has server and client
//     packages made for proxies, with TLS and prepared statements, but it
//     would be a new module with its own dependencies, its server hands a
//     multi-statement query over as one string to be answered with one
//     result, and refusing plaintext with PlanetScale's message would be
//     code of our own.
//   - dolthub/vitess go/mysql, go-mysql-server's server layer, is the same
//     vitess listener a few years older: TLS, mysql_native_password and
//     caching_sha2_password, multi-statement queries one statement at a
//     time, prepared statements parsed and their parameters decoded into
//     bind variables, and plaintext refused with vitess' message
//     (RequireSecureTransport), which is PlanetScale's. Its client reads
//     results as sqltypes the listener writes back unchanged. It is linked
//     already, so no module is added.
//
// So the fork. What it lacks the edge makes up for: its client has no
// server-side prepared statements, so a prepared statement is sent as text
// with its values bound, as vtgate sends it on; its streaming client drops
// the OK packet's counts, so each result is read whole; its client asks
// storage for multi statements and cannot turn them off, so the edge sends
// COM_SET_OPTION itself and a text it relays is one statement to storage;
// after refusing plaintext it goes on with the handshake, so the auth
// methods refuse it again; and it logs through package variables, which
// the edge silences.
// The emulator's heavy dependencies stay out of the psflow binary: only
// cmd/psflow-emulator and tests import this package.
package edge
