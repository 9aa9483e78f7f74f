// Package sqlload splits SQL scripts into statements and loads them into
// MySQL through database/sql, faster than piping them into the mysql client.
//
// # Splitting
//
// [Splitter] reads a script as a stream (memory bounded by the largest
// statement) and understands what the mysql client understands: quoted
// strings with backslash escapes and doubled quotes, `backtick` identifiers,
// "-- ", "#" and "/* */" comments, executable "/*!50003 … */" and MariaDB
// "/*M!100100 … */" comments (kept in the statement text), optimizer hints
// "/*+ … */", the client command DELIMITER, CRLF line endings and a missing
// final delimiter. Comments in front of a statement are dropped; comments
// inside it are kept and sent to the server, which ignores them. A delimiter
// inside an executable comment does not end the statement. The line
// "/*M!999999\- enable the sandbox mode */" that mariadb-dump writes first is
// a client command and is dropped. Backslashes always escape inside quotes:
// scripts written for sql_mode NO_BACKSLASH_ESCAPES are not supported.
//
// # Loading
//
// [Load] runs scripts in the given order the way myloader does:
//   - statements that change the session (SET, USE) run in order on one
//     connection and are replayed on every worker connection before the
//     worker's next statement, so SET NAMES, SET FOREIGN_KEY_CHECKS=0 or
//     SET sql_mode hold for every statement that follows them in the file;
//   - row data (INSERT, REPLACE, UPDATE, DELETE, LOAD DATA) for different
//     tables runs in parallel over Options.Parallelism connections, in
//     transactions of about Options.BatchBytes; statements for one table stay
//     in file order on one connection;
//   - while FOREIGN_KEY_CHECKS is on, tables linked by a foreign key count as
//     one table, so parent rows are in before child rows as in the file;
//   - a schema statement about one table (CREATE/ALTER/DROP/TRUNCATE TABLE,
//     CREATE INDEX, CREATE TRIGGER … ON) runs after that table's pending rows,
//     on the connection that loads them; any other statement (views,
//     routines, SELECT, CALL, statements reading other tables such as
//     INSERT … SELECT) first waits until every pending row is committed and
//     then runs on the session connection, so the script keeps its meaning;
//   - LOCK TABLES and UNLOCK TABLES, as mysqldump writes them around each
//     table's rows, are skipped: they would serialize the workers and the
//     loader already keeps each table on one connection. Transaction
//     statements (BEGIN, START TRANSACTION, COMMIT, ROLLBACK, SAVEPOINT,
//     SET autocommit) are skipped too, because the loader makes its own
//     transactions.
//
// The first failing statement stops the load: the other connections are
// cancelled, their open transactions are rolled back, and the error names
// the file and the line: the line the server points at when it says
// ("seed.sql:1236: Error 1064 (42000): … near ',, x INT' (statement from
// line 1234: …)"), else the line where the statement starts ("seed.sql:1234:
// Error 1062 (23000): Duplicate entry …"). Errors quote at most 80 bytes of
// a statement and none of its string literals ('…'), also in the server's
// own message, since a seed file may hold credentials. Nothing later in
// the file that touches the failing statement's table has run, nor
// anything that waits for all rows (views, routines, other statements). Loading in parallel means that
// schema statements and committed batches of other tables that come later
// in the file may have run, and that rows before the failure in a batch not
// yet committed are rolled back. With Parallelism 1 nothing after the
// failing statement has run.
//
// Known limits, when Parallelism is above 1: a statement that reads other
// tables through a stored function or a trigger may run before earlier rows
// of those tables are in, and a trigger that writes to another table may
// interleave with the script's own rows for that table; session statements
// are replayed, so a SET whose value reads table data sees the rows loaded
// so far. Parallelism 1 has none of these limits.
//
// # Progress
//
// Options.Progress hears of each file once all of it has committed;
// Options.Heartbeat hears every Options.HeartbeatInterval (10 s) how far
// the load got: the file being loaded, the bytes of its statements that
// ran out of File.Size, and the rows so far.
package sqlload
