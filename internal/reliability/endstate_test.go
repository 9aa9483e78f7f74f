package reliability

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
)

// endState is what a scenario leaves on the emulator, in a form two runs
// can be compared by: names and contents, not ids, numbers or times.
type endState struct {
	Branches  []string                     // "name<-parent"
	Open      []string                     // open deploy requests: "pr-1->main ready"
	Deployed  []string                     // deployed ones: "pr-1->main complete calls=1"
	Tables    map[string]map[string]string // branch → table → CREATE statement
	Rows      map[string]int64             // "branch.table" → rows, psflow's own tables aside
	Passwords map[string]int               // branch → passwords
}

func readEndState(t *testing.T, em *emulator.Emulator) endState {
	t.Helper()
	st := endState{Tables: map[string]map[string]string{}, Rows: map[string]int64{}, Passwords: map[string]int{}}
	db := em.State().Databases[0]
	for _, b := range db.Branches {
		st.Branches = append(st.Branches, b.Name+"<-"+b.Parent)
		st.Passwords[b.Name] = len(b.Passwords)
		st.Tables[b.Name] = tables(t, em, b.Name)
		for table := range st.Tables[b.Name] {
			if !strings.HasPrefix(table, "_psflow") {
				st.Rows[b.Name+"."+table] = countRows(t, em, b.StorageDatabase, table)
			}
		}
	}
	for _, dr := range db.DeployRequests {
		pair := dr.Branch + "->" + dr.IntoBranch
		switch {
		case dr.State == "open":
			st.Open = append(st.Open, pair+" "+dr.DeploymentState)
		case dr.DeployCalls > 0:
			st.Deployed = append(st.Deployed, fmt.Sprintf("%s %s calls=%d", pair, dr.DeploymentState, dr.DeployCalls))
		}
	}
	slices.Sort(st.Branches)
	slices.Sort(st.Open)
	slices.Sort(st.Deployed)
	return st
}

// countRows counts a table's rows on the emulator's storage.
func countRows(t *testing.T, em *emulator.Emulator, storageDB, table string) int64 {
	t.Helper()
	cfg, err := mysql.ParseDSN(em.AdminDSN())
	assert.NilError(t, err)
	cfg.DBName = storageDB
	db, err := sql.Open("mysql", cfg.FormatDSN())
	assert.NilError(t, err)
	defer db.Close()
	var n int64
	assert.NilError(t, db.QueryRow("SELECT COUNT(*) FROM `"+strings.ReplaceAll(table, "`", "``")+"`").Scan(&n))
	return n
}
