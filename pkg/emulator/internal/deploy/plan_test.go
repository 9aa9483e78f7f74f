package deploy

import (
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

const (
	users      = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(100) NOT NULL, PRIMARY KEY (`id`))"
	usersInt   = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` int NOT NULL, PRIMARY KEY (`id`))"
	usersWide  = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(255) NOT NULL, PRIMARY KEY (`id`))"
	alpha      = "CREATE TABLE `alpha` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"
	beta       = "CREATE TABLE `beta` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"
	keyless    = "CREATE TABLE `events` (`body` text)"
	withFK     = "CREATE TABLE `posts` (`id` bigint NOT NULL, `user_id` bigint NOT NULL, PRIMARY KEY (`id`), CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`))"
	oldKeyless = "CREATE TABLE `legacy` (`body` text)"
)

func TestEvaluate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		sides      Sides
		empty      bool
		deployable bool
		statements []string // what the deploy runs
		changes    int      // the branch's own changes since its fork point
		checks     []string // each must appear in CheckErrors
	}{
		{
			name:       "a second PR's table does not drop the first's",
			sides:      Sides{Fork: []string{users}, Branch: []string{users, beta}, Target: []string{users, alpha}},
			deployable: true, changes: 1,
			statements: []string{"CREATE TABLE `beta` (\n\t`id` bigint NOT NULL,\n\tPRIMARY KEY (`id`)\n)"},
		},
		{
			name:   "one column changed two ways",
			sides:  Sides{Fork: []string{users}, Branch: []string{usersInt}, Target: []string{usersWide}},
			checks: []string{"conflict on users", "MODIFY COLUMN `email` int", "varchar(255)"}, changes: 1,
		},
		{
			name:   "a table without a unique key",
			sides:  Sides{Fork: []string{users}, Branch: []string{users, keyless}, Target: []string{users}},
			checks: []string{"lint error NO_UNIQUE_KEY on events"}, changes: 1,
		},
		{
			name:   "a foreign key while they are disallowed",
			sides:  Sides{Fork: []string{users}, Branch: []string{users, withFK}, Target: []string{users}},
			checks: []string{"lint error FOREIGN_KEYS_DISALLOWED on posts"}, changes: 1,
		},
		{
			name:       "lint errors of tables the deploy leaves alone do not count",
			sides:      Sides{Fork: []string{oldKeyless}, Branch: []string{oldKeyless, alpha}, Target: []string{oldKeyless}},
			deployable: true, changes: 1,
			statements: []string{"CREATE TABLE `alpha` (\n\t`id` bigint NOT NULL,\n\tPRIMARY KEY (`id`)\n)"},
		},
		{
			name:  "nothing changed on the branch",
			sides: Sides{Fork: []string{users}, Branch: []string{users}, Target: []string{users, alpha}},
			empty: true, statements: []string{},
		},
		{
			name:  "the target has the branch's change already",
			sides: Sides{Fork: []string{users}, Branch: []string{usersWide}, Target: []string{usersWide}},
			empty: true, statements: []string{}, changes: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := Evaluate(tc.sides)
			assert.NilError(t, err)
			assert.Equal(t, p.Empty(), tc.empty)
			assert.Equal(t, p.Deployable(), tc.deployable)
			assert.Equal(t, len(p.Changes.Changes), tc.changes)
			if tc.statements != nil {
				assert.DeepEqual(t, p.Merge.Plan.Statements(), tc.statements)
			}
			errs := p.CheckErrors()
			if len(tc.checks) == 0 {
				assert.Equal(t, errs, "")
			}
			for _, c := range tc.checks {
				assert.Assert(t, is.Contains(errs, c))
			}
		})
	}
}
