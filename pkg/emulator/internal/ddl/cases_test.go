package ddl

import "strings"

// wantChange is the expected shape of one plan change.
type wantChange struct {
	Kind, Name  string
	Destructive bool
}

// diffCase is one schema change, written as the DDL a user runs on the base
// and on the branch database.
type diffCase struct {
	name         string
	base, branch []string
	want         []wantChange
}

const (
	usersTable = "CREATE TABLE users (" +
		"id bigint unsigned NOT NULL AUTO_INCREMENT, " +
		"email varchar(255) NOT NULL, " +
		"name varchar(100) DEFAULT NULL, " +
		"age int DEFAULT NULL, " +
		"score decimal(10,2) NOT NULL DEFAULT 0.00, " +
		"status enum('active','disabled') NOT NULL DEFAULT 'active', " +
		"bio text, " +
		"prefs json, " +
		"created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, " +
		"updated_at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, " +
		"PRIMARY KEY (id), UNIQUE KEY users_email (email), KEY users_name (name))"
	postsTable = "CREATE TABLE posts (" +
		"id bigint unsigned NOT NULL AUTO_INCREMENT, " +
		"user_id bigint unsigned NOT NULL, " +
		"title varchar(200) NOT NULL DEFAULT '', " +
		"body text, " +
		"PRIMARY KEY (id), KEY posts_user (user_id), CHECK (char_length(title) <= 200))"
	activeUsersView = "CREATE VIEW active_users AS SELECT id, email FROM users WHERE status = 'active'"
	zonesTable      = "CREATE TABLE zones (id int NOT NULL, name varchar(50) NOT NULL, PRIMARY KEY (id))"
	addressesTable  = "CREATE TABLE addresses (id int NOT NULL, zone_id int NOT NULL, line varchar(200) NOT NULL, " +
		"PRIMARY KEY (id), KEY addresses_zone (zone_id), " +
		"CONSTRAINT addresses_zone_fk FOREIGN KEY (zone_id) REFERENCES zones (id))"
)

// shop is the base schema of most cases.
func shop() []string { return []string{usersTable, postsTable, activeUsersView} }

// shopWith returns shop with `old` replaced by `new` in every statement; it
// panics when nothing matched, so a case cannot silently test nothing.
func shopWith(old, new string) []string {
	out := shop()
	found := false
	for i, s := range out {
		if strings.Contains(s, old) {
			out[i] = strings.Replace(s, old, new, 1)
			found = true
		}
	}
	if !found {
		panic("shopWith: no statement contains " + old)
	}
	return out
}

func without(stmts []string, drop string) []string {
	var out []string
	for _, s := range stmts {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

func alterUsers(destructive bool) []wantChange {
	return []wantChange{{KindAlter, "users", destructive}}
}

var diffCases = []diffCase{
	{
		name:   "identical",
		base:   append(shop(), "INSERT INTO users (email) VALUES ('a@example.com')"),
		branch: shop(),
	},
	{
		name: "add_table",
		base: shop(),
		branch: append(shop(), "CREATE TABLE tags (id int NOT NULL AUTO_INCREMENT, "+
			"label varchar(40) NOT NULL, PRIMARY KEY (id), UNIQUE KEY tags_label (label))"),
		want: []wantChange{{KindCreate, "tags", false}},
	},
	{
		name:   "drop_table",
		base:   shop(),
		branch: without(shop(), postsTable),
		want:   []wantChange{{KindDrop, "posts", true}},
	},
	{
		name:   "add_column",
		base:   shop(),
		branch: shopWith("bio text,", "bio text, nickname varchar(50) NOT NULL DEFAULT '',"),
		want:   alterUsers(false),
	},
	{
		name:   "drop_column",
		base:   shop(),
		branch: shopWith("bio text,", ""),
		want:   alterUsers(true),
	},
	{
		name:   "add_index",
		base:   shop(),
		branch: shopWith("KEY posts_user (user_id)", "KEY posts_user (user_id), KEY posts_title (title)"),
		want:   []wantChange{{KindAlter, "posts", false}},
	},
	{
		name:   "drop_index",
		base:   shop(),
		branch: shopWith(", KEY users_name (name)", ""),
		want:   alterUsers(true),
	},
	{
		name:   "widen_varchar",
		base:   shop(),
		branch: shopWith("name varchar(100)", "name varchar(200)"),
		want:   alterUsers(false),
	},
	{
		name:   "narrow_varchar",
		base:   shop(),
		branch: shopWith("name varchar(100)", "name varchar(50)"),
		want:   alterUsers(true),
	},
	{
		name:   "int_to_bigint",
		base:   shop(),
		branch: shopWith("age int DEFAULT NULL", "age bigint DEFAULT NULL"),
		want:   alterUsers(false),
	},
	{
		name:   "bigint_to_int",
		base:   shop(),
		branch: shopWith("user_id bigint unsigned NOT NULL", "user_id int unsigned NOT NULL"),
		want:   []wantChange{{KindAlter, "posts", true}},
	},
	{
		name:   "signed_to_unsigned",
		base:   shop(),
		branch: shopWith("age int DEFAULT NULL", "age int unsigned DEFAULT NULL"),
		want:   alterUsers(true),
	},
	{
		name:   "null_to_not_null",
		base:   shop(),
		branch: shopWith("name varchar(100) DEFAULT NULL", "name varchar(100) NOT NULL DEFAULT ''"),
		want:   alterUsers(true),
	},
	{
		name:   "not_null_to_null",
		base:   shop(),
		branch: shopWith("email varchar(255) NOT NULL", "email varchar(255) DEFAULT NULL"),
		want:   alterUsers(false),
	},
	{
		name:   "enum_value_added",
		base:   shop(),
		branch: shopWith("enum('active','disabled')", "enum('active','disabled','banned')"),
		want:   alterUsers(false),
	},
	{
		name:   "enum_value_removed",
		base:   shop(),
		branch: shopWith("enum('active','disabled')", "enum('active')"),
		want:   alterUsers(true),
	},
	{
		name:   "add_view",
		base:   shop(),
		branch: append(shop(), "CREATE VIEW post_titles AS SELECT id, title FROM posts"),
		want:   []wantChange{{KindCreate, "post_titles", false}},
	},
	{
		name:   "change_view",
		base:   shop(),
		branch: shopWith("status = 'active'", "status = 'disabled'"),
		want:   []wantChange{{KindAlter, "active_users", false}},
	},
	{
		name:   "drop_view",
		base:   shop(),
		branch: without(shop(), activeUsersView),
		want:   []wantChange{{KindDrop, "active_users", true}},
	},
	{
		name:   "fk_tables_created",
		base:   shop(),
		branch: append(shop(), zonesTable, addressesTable),
		want:   []wantChange{{KindCreate, "zones", false}, {KindCreate, "addresses", false}},
	},
	{
		name:   "fk_tables_dropped",
		base:   append(shop(), zonesTable, addressesTable),
		branch: shop(),
		want:   []wantChange{{KindDrop, "addresses", true}, {KindDrop, "zones", true}},
	},
	{
		name: "view_follows_new_column",
		base: shop(),
		branch: append(shopWith("bio text,", "bio text, city varchar(40) DEFAULT NULL,")[:2],
			"CREATE VIEW active_users AS SELECT id, email, city FROM users WHERE status = 'active'"),
		want: []wantChange{{KindAlter, "users", false}, {KindAlter, "active_users", false}},
	},
}
