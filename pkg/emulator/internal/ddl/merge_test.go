package ddl

import (
	"strings"
	"testing"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

const (
	users          = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(100) NOT NULL, PRIMARY KEY (`id`))"
	usersInt       = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` int NOT NULL, PRIMARY KEY (`id`))"
	usersWide      = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(255) NOT NULL, PRIMARY KEY (`id`))"
	usersNoEmail   = "CREATE TABLE `users` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"
	usersKeyed     = "CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(100) NOT NULL, PRIMARY KEY (`id`), KEY `email_idx` (`email`))"
	orders         = "CREATE TABLE `orders` (`id` bigint NOT NULL, `amount` int NOT NULL, PRIMARY KEY (`id`))"
	ordersDue      = "CREATE TABLE `orders` (`id` bigint NOT NULL, `amount` int NOT NULL, `due_date` date, PRIMARY KEY (`id`))"
	ordersCur      = "CREATE TABLE `orders` (`id` bigint NOT NULL, `amount` int NOT NULL, `currency` char(3), PRIMARY KEY (`id`))"
	ordersBoth     = "CREATE TABLE `orders` (`id` bigint NOT NULL, `amount` int NOT NULL, `due_date` date, `currency` char(3), PRIMARY KEY (`id`))"
	ordersNoAmt    = "CREATE TABLE `orders` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"
	ordersAfter    = "CREATE TABLE `orders` (`id` bigint NOT NULL, `amount` int NOT NULL, `x` int, `note` text, PRIMARY KEY (`id`))"
	ordersOnlyNote = "CREATE TABLE `orders` (`id` bigint NOT NULL, `note` text, PRIMARY KEY (`id`))"
	ordersNote     = "CREATE TABLE `orders` (`id` bigint NOT NULL, `amount` int NOT NULL, `note` text, PRIMARY KEY (`id`))"
	alpha          = "CREATE TABLE `alpha` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"
	beta           = "CREATE TABLE `beta` (`id` bigint NOT NULL, PRIMARY KEY (`id`))"
)

func TestThreeWay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                string
		base, ours, theirs  []string
		want                []string // plan statements, when there is no conflict
		wantResult          []string // tables of the result, when there is no conflict
		conflict            string   // the entity that collides
		conflictMentions    string
		wantInstantEligible bool
	}{
		{
			name: "two branches each add a table",
			base: []string{users}, ours: []string{users, alpha}, theirs: []string{users, beta},
			want:       []string{"CREATE TABLE `alpha` (\n\t`id` bigint NOT NULL,\n\tPRIMARY KEY (`id`)\n)"},
			wantResult: []string{"alpha", "beta", "users"},
		},
		{
			name: "two branches each add a column to one table",
			base: []string{orders}, ours: []string{ordersCur}, theirs: []string{ordersDue},
			want:                []string{"ALTER TABLE `orders` ADD COLUMN `currency` char(3)"},
			wantResult:          []string{"orders"},
			wantInstantEligible: true,
		},
		{
			name: "the target has not moved",
			base: []string{users}, ours: []string{users, alpha}, theirs: []string{users},
			want:       []string{"CREATE TABLE `alpha` (\n\t`id` bigint NOT NULL,\n\tPRIMARY KEY (`id`)\n)"},
			wantResult: []string{"alpha", "users"},
		},
		{
			name: "no changes on the branch",
			base: []string{users}, ours: []string{users}, theirs: []string{users, beta},
			want: []string{}, wantResult: []string{"beta", "users"},
		},
		{
			// The blog post: identical changes are not a conflict; the
			// first to deploy consumes them.
			name: "the branch's change was deployed already by someone else",
			base: []string{users}, ours: []string{usersKeyed}, theirs: []string{usersKeyed},
			want: []string{}, wantResult: []string{"users"},
		},
		{
			name: "both sides created the same table, the branch another too",
			base: []string{users}, ours: []string{users, alpha, beta}, theirs: []string{users, alpha},
			want:       []string{"CREATE TABLE `beta` (\n\t`id` bigint NOT NULL,\n\tPRIMARY KEY (`id`)\n)"},
			wantResult: []string{"alpha", "beta", "users"},
		},
		{
			name: "partial overlap: the target has one of the branch's two columns",
			base: []string{orders}, ours: []string{ordersBoth}, theirs: []string{ordersDue},
			want:                []string{"ALTER TABLE `orders` ADD COLUMN `currency` char(3)"},
			wantResult:          []string{"orders"},
			wantInstantEligible: true,
		},
		{
			name:   "partial overlap: the same column and key, the key in another order",
			base:   []string{users},
			ours:   []string{"CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(100) NOT NULL, `name` text, PRIMARY KEY (`id`), KEY `b_idx` (`id`, `email`), KEY `email_idx` (`email`))"},
			theirs: []string{"CREATE TABLE `users` (`id` bigint NOT NULL, `email` varchar(100) NOT NULL, PRIMARY KEY (`id`), KEY `email_idx` (`email`), KEY `b_idx` (`id`, `email`))"},
			want:   []string{"ALTER TABLE `users` ADD COLUMN `name` text"}, wantResult: []string{"users"},
			wantInstantEligible: true,
		},
		{
			name: "partial overlap: both dropped a column, the branch also added one",
			base: []string{ordersNote}, ours: []string{"CREATE TABLE `orders` (`id` bigint NOT NULL, `note` text, `x` int, PRIMARY KEY (`id`))"},
			theirs: []string{ordersOnlyNote},
			want:   []string{"ALTER TABLE `orders` ADD COLUMN `x` int"}, wantResult: []string{"orders"},
			wantInstantEligible: true,
		},
		{
			name: "one column added two ways on both sides",
			base: []string{orders}, ours: []string{ordersCur}, theirs: []string{strings.Replace(ordersCur, "char(3)", "char(5)", 1)},
			conflict: "orders", conflictMentions: "char(5)",
		},
		{
			name: "one column changed two ways",
			base: []string{users}, ours: []string{usersInt}, theirs: []string{usersWide},
			conflict: "users", conflictMentions: "varchar(255)",
		},
		{
			name: "a column dropped on the branch was changed on the target",
			base: []string{users}, ours: []string{usersNoEmail}, theirs: []string{usersWide},
			conflict: "users", conflictMentions: "DROP COLUMN `email`",
		},
		{
			name: "a table dropped on the target was changed on the branch",
			base: []string{users, orders}, ours: []string{users, ordersCur}, theirs: []string{users},
			conflict: "orders", conflictMentions: "DROP TABLE `orders`",
		},
		{
			name: "a column added after one the target dropped",
			base: []string{ordersNote}, ours: []string{ordersAfter}, theirs: []string{ordersOnlyNote},
			conflict: "orders", conflictMentions: "AFTER `amount`",
		},
		{
			name: "a key added on a column the target dropped",
			base: []string{users}, ours: []string{usersKeyed}, theirs: []string{usersNoEmail},
			conflict: "users", conflictMentions: "ADD KEY `email_idx`",
		},
		{
			name: "both sides add the same table differently",
			base: []string{users}, ours: []string{users, alpha}, theirs: []string{users, strings.Replace(alpha, "bigint", "int", 1)},
			conflict: "alpha", conflictMentions: "CREATE TABLE `alpha`",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := ThreeWay(tc.base, tc.ours, tc.theirs)
			assert.NilError(t, err)
			if tc.conflict != "" {
				assert.Assert(t, is.Len(m.Conflicts, 1), "%+v", m.Conflicts)
				c := m.Conflicts[0]
				assert.Equal(t, c.Name, tc.conflict)
				assert.Assert(t, is.Contains(c.String(), tc.conflictMentions))
				assert.Assert(t, m.Plan.Empty(), "a conflicting merge must plan nothing")
				return
			}
			assert.Assert(t, is.Len(m.Conflicts, 0), "%+v", m.Conflicts)
			assert.DeepEqual(t, m.Plan.Statements(), tc.want)
			var names []string
			for _, s := range m.Result {
				names = append(names, entityNameRE.FindStringSubmatch(s)[2])
			}
			assert.DeepEqual(t, names, quoted(tc.wantResult))
			assert.Equal(t, m.InstantEligible, tc.wantInstantEligible)
		})
	}
}

// TestThreeWayKeepsTheirs checks that the column-level merge keeps the
// target's column: deploying the branch's change never drops it.
func TestThreeWayKeepsTheirs(t *testing.T) {
	t.Parallel()
	m, err := ThreeWay([]string{orders}, []string{ordersCur}, []string{ordersDue})
	assert.NilError(t, err)
	want, err := ThreeWay([]string{orders}, []string{ordersBoth}, []string{orders})
	assert.NilError(t, err)
	assert.Assert(t, is.Len(m.Result, 1))
	assert.Assert(t, is.Contains(m.Result[0], "`due_date` date"))
	assert.Assert(t, is.Contains(m.Result[0], "`currency` char(3)"))
	assert.Equal(t, m.Result[0], want.Result[0])
	assert.Assert(t, !m.Plan.Destructive())
}

// TestThreeWayRevert uses the merge the way a revert does: undo one
// deploy's changes on a target that gained another deploy since.
func TestThreeWayRevert(t *testing.T) {
	t.Parallel()
	before := []string{orders}
	after := []string{ordersNoAmt}         // the deploy dropped amount
	current := []string{ordersNoAmt, beta} // and another deploy added beta
	m, err := ThreeWay(after, before, current)
	assert.NilError(t, err)
	assert.Assert(t, is.Len(m.Conflicts, 0))
	assert.DeepEqual(t, m.Plan.Statements(), []string{"ALTER TABLE `orders` ADD COLUMN `amount` int NOT NULL"})
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + n + "`"
	}
	return out
}

func TestThreeWayBadSchema(t *testing.T) {
	t.Parallel()
	_, err := ThreeWay([]string{"CREATE TABLE"}, nil, nil)
	assert.ErrorContains(t, err, "base schema")
}

func TestLosses(t *testing.T) {
	t.Parallel()
	noKey := "CREATE TABLE `logs` (`line` text)"
	uniq := "CREATE TABLE `tags` (`name` varchar(50) NOT NULL, `color` varchar(10), UNIQUE KEY `name_uq` (`name`))"
	uniqNoColor := "CREATE TABLE `tags` (`name` varchar(50) NOT NULL, UNIQUE KEY `name_uq` (`name`))"
	got, err := Losses(
		[]string{users, orders, noKey, uniq, alpha},
		[]string{usersWide, ordersDue, uniqNoColor, alpha},
	)
	assert.NilError(t, err)
	assert.DeepEqual(t, got, []Loss{
		{Table: "logs", Dropped: true},
		{Table: "tags", Key: []string{"name"}, Columns: []string{"color"}},
		{Table: "users", Key: []string{"id"}, Columns: []string{"email"}},
	})
}
