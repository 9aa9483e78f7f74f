package history

import (
	"testing"

	"github.com/psflow/psflow/pkg/emulator"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// AdviceBeforeMerge follows open-deploy-request's advice on a conflict before the merge:
// merging main and pushing lets the request deploy (docs/design/history-tests.md).
func AdviceBeforeMerge(t *testing.T, em *emulator.Emulator, b *Binary) {
	repo := NewRepo(map[string]string{"db/schema/rooms.sql": roomsFloor})
	must(t, b.Merge(t, 1, repo.Merge(repo.Open(1))), "#1 merge")

	pr2 := repo.Open(2).Set("db/schema/rooms.sql", roomsNamed("200"))
	pr3 := repo.Open(3).Set("db/schema/rooms.sql", roomsNamed("300"))
	must(t, b.run(t, 3, false, repo.Tree(pr3), prepare[:2]...), "#3 create-branch and seed-branch")
	must(t, b.Merge(t, 2, repo.Merge(pr2)), "#2 merge")
	res := b.run(t, 3, false, nil, []string{"open-deploy-request", "--fail-on", "conflict"})
	assert.Assert(t, !res.OK, "#3's request did not conflict:\n%s", res.Output)
	assert.Check(t, is.Contains(res.Output, "merge main into the pull request and push: seed-branch brings pr-3 onto main as it is now"))

	// As advised: main merged into the pull request (its change to the
	// column wins the merge), then a push.
	res = must(t, b.run(t, 3, false, repo.Tree(pr3), append(concat(prepare[:2]), []string{"open-deploy-request", "--fail-on", "conflict"})...), "#3 push after merging main")
	assert.Check(t, is.Contains(res.Output, "recreating branch pr-3 off main as it is now"))
	must(t, b.Merge(t, 3, repo.Merge(pr3)), "#3 merge")
	rooms := Query(t, Production(t, em), "SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rooms' AND COLUMN_NAME = 'name'")
	assert.DeepEqual(t, rooms, [][]string{{"300"}})
	assert.DeepEqual(t, Branches(em), []string{"main"})
}
