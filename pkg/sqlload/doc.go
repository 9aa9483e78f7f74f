// Package sqlload splits SQL scripts into statements ([Splitter]) and loads
// them into MySQL through database/sql ([Load]), tables in parallel, faster
// than piping them into the mysql client. docs/design/sqlload.md explains
// the splitting rules, the loading order and what a failure leaves behind.
package sqlload
