// Package edge is the emulator's MySQL edge: the one MySQL address the API
// hands out, in front of the storage server; docs/design/emulator-edge.md
// is its design record.
package edge
