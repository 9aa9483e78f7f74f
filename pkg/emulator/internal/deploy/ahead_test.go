package deploy

import (
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestCheckQueue(t *testing.T) {
	t.Parallel()
	wide := Ahead{Number: 1, Fork: []string{users}, Branch: []string{usersWide}}
	addAlpha := Ahead{Number: 2, Fork: []string{users}, Branch: []string{users, alpha}}
	for _, tc := range []struct {
		name    string
		request Sides // Target is the target now
		ahead   []Ahead
		numbers []uint64 // the deployments ahead named, in order
		checks  []string // each must appear in a collision's String
	}{
		{
			name:    "nothing ahead",
			request: Sides{Fork: []string{users}, Branch: []string{usersInt}, Target: []string{users}},
		},
		{
			name:    "a deployment ahead changes other tables",
			request: Sides{Fork: []string{users}, Branch: []string{users, beta}, Target: []string{users}},
			ahead:   []Ahead{wide, addAlpha},
		},
		{
			name:    "one column changed two ways names the one ahead that changes it",
			request: Sides{Fork: []string{users}, Branch: []string{usersInt}, Target: []string{users}},
			ahead:   []Ahead{addAlpha, wide},
			numbers: []uint64{1},
			checks: []string{"conflict with deploy request #1 queued ahead: users: ",
				"this branch: ALTER TABLE `users` MODIFY COLUMN `email` int NOT NULL",
				"deploy request #1: ALTER TABLE `users` MODIFY COLUMN `email` varchar(255) NOT NULL"},
		},
		{
			// The first deploy consumes the change: no conflict.
			name:    "a deployment ahead that makes the same change",
			request: Sides{Fork: []string{users}, Branch: []string{usersWide}, Target: []string{users}},
			ahead:   []Ahead{wide},
		},
		{
			name:    "a deployment ahead that makes part of the request's changes",
			request: Sides{Fork: []string{users}, Branch: []string{usersWide, alpha}, Target: []string{users}},
			ahead:   []Ahead{wide},
		},
		{
			name: "a view reading a column a deployment ahead drops names that one",
			request: Sides{Fork: []string{users}, Branch: []string{users, "CREATE VIEW `v` AS SELECT `email` FROM `users`"},
				Target: []string{users}},
			ahead: []Ahead{addAlpha, {Number: 3, Fork: []string{users},
				Branch: []string{"CREATE TABLE `users` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"}}},
			numbers: []uint64{3},
			checks: []string{"conflict with deploy request #3 queued ahead: v: view `v` references", "non-existent column `email`",
				"this branch: CREATE VIEW `v` AS SELECT `email` FROM `users`", "deploy request #3: ALTER TABLE `users` DROP COLUMN `email`"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := CheckQueue(tc.request, tc.ahead)
			assert.NilError(t, err)
			var numbers []uint64
			var lines string
			for _, c := range got {
				numbers = append(numbers, c.Number)
				lines += c.String() + "\n"
			}
			assert.DeepEqual(t, numbers, tc.numbers)
			for _, c := range tc.checks {
				assert.Assert(t, is.Contains(lines, c))
			}
		})
	}
}

func TestProject(t *testing.T) {
	t.Parallel()
	got, err := Project([]string{users}, []Ahead{
		{Number: 1, Fork: []string{users}, Branch: []string{users, alpha}},
		{Number: 2, Fork: []string{users}, Branch: []string{usersWide}},
		{Number: 3, Fork: []string{users}, Branch: []string{usersInt}}, // conflicts with #2: changes nothing
	})
	assert.NilError(t, err)
	p, err := Evaluate(Sides{Fork: []string{users, alpha}, Branch: []string{usersWide, alpha}, Target: got})
	assert.NilError(t, err)
	assert.Assert(t, p.Empty(), "the projection has #1's table and #2's column: %v", got)
}
