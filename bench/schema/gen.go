package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// column is one generated column: its name, its type and options, and how
// to write a value of it in a data file.
type column struct {
	name, def string
	value     func(r *rand.Rand, row int) string
	indexable bool
}

// table is one generated table.
type table struct {
	name    string
	columns []column
	keys    []string // KEY, UNIQUE KEY and CONSTRAINT clauses
	options string
	parents []string // tables its foreign keys reference
}

// schemaSet is a generated schema: the tables in file order (parents
// first), the views, and the table the changed runs alternate.
type schemaSet struct {
	tables  []table
	views   []view
	changed int      // index in tables of the table whose file alternates
	data    []int    // indexes in tables of the tables the data file writes
	rows    int      // rows the data file inserts
	files   []string // every schema file, relative to the schema directory, in the order the client replays them
	fkCount int
}

// view is one generated view.
type view struct{ name, text string }

// nouns and qualifiers name the tables: nouns[i%len] + "_" + qualifier.
var (
	nouns = []string{
		"accounts", "addresses", "audits", "bookings", "campaigns", "carts", "categories", "comments", "contracts", "coupons",
		"customers", "deliveries", "devices", "discounts", "documents", "employees", "events", "exports", "features", "files",
		"groups", "imports", "invoices", "items", "jobs", "labels", "leads", "logins", "messages", "notes",
		"orders", "payments", "plans", "prices", "products", "projects", "refunds", "regions", "reports", "reviews",
	}
	qualifiers = []string{"core", "hist", "stage", "ext", "meta"}
)

// palette is the column types a table draws from; the name is a stem.
var palette = []struct {
	stem, def string
	index     bool
	value     func(r *rand.Rand, row int) string
}{
	{"name", "VARCHAR(120) NOT NULL", true, func(r *rand.Rand, row int) string { return fmt.Sprintf("'name %d'", row) }},
	{"code", "VARCHAR(32) NOT NULL DEFAULT ''", true, func(r *rand.Rand, row int) string { return fmt.Sprintf("'c-%05d'", row) }},
	{"email", "VARCHAR(255) DEFAULT NULL", true, func(r *rand.Rand, row int) string { return fmt.Sprintf("'user%d@example.com'", row) }},
	{"country", "CHAR(2) NOT NULL DEFAULT 'US'", true, func(r *rand.Rand, row int) string { return "'" + []string{"US", "DE", "FR", "JP"}[r.IntN(4)] + "'" }},
	{"body", "TEXT", false, func(r *rand.Rand, row int) string { return "'it''s row " + fmt.Sprint(row) + "'" }},
	{"quantity", "INT NOT NULL DEFAULT 0", true, func(r *rand.Rand, row int) string { return fmt.Sprint(r.IntN(1000)) }},
	{"position", "INT UNSIGNED DEFAULT NULL", true, func(r *rand.Rand, row int) string { return fmt.Sprint(row) }},
	{"external_id", "BIGINT DEFAULT NULL", true, func(r *rand.Rand, row int) string { return fmt.Sprint(r.Int64N(1 << 40)) }},
	{"priority", "SMALLINT NOT NULL DEFAULT 5", true, func(r *rand.Rand, row int) string { return fmt.Sprint(r.IntN(10)) }},
	{"active", "TINYINT(1) NOT NULL DEFAULT 1", true, func(r *rand.Rand, row int) string { return fmt.Sprint(r.IntN(2)) }},
	{"amount", "DECIMAL(12,2) NOT NULL DEFAULT 0.00", true, func(r *rand.Rand, row int) string { return fmt.Sprintf("%d.%02d", r.IntN(10000), r.IntN(100)) }},
	{"score", "DOUBLE DEFAULT NULL", false, func(r *rand.Rand, row int) string { return fmt.Sprintf("%.3f", r.Float64()*100) }},
	{"due_on", "DATE DEFAULT NULL", true, func(r *rand.Rand, row int) string { return fmt.Sprintf("'2024-%02d-%02d'", 1+r.IntN(12), 1+r.IntN(28)) }},
	{"seen_at", "DATETIME DEFAULT NULL", true, func(r *rand.Rand, row int) string {
		return fmt.Sprintf("'2024-05-%02d 10:%02d:00'", 1+r.IntN(28), r.IntN(60))
	}},
	{"expires_at", "TIMESTAMP NULL DEFAULT NULL", true, func(r *rand.Rand, row int) string { return "NULL" }},
	{"attributes", "JSON DEFAULT NULL", false, func(r *rand.Rand, row int) string { return fmt.Sprintf(`'{"row": %d, "tags": ["a", "b"]}'`, row) }},
	{"status", "ENUM('draft','active','archived') NOT NULL DEFAULT 'draft'", true, func(r *rand.Rand, row int) string {
		return "'" + []string{"draft", "active", "archived"}[r.IntN(3)] + "'"
	}},
	{"token", "VARBINARY(16) DEFAULT NULL", true, func(r *rand.Rand, row int) string { return fmt.Sprintf("X'%032x'", r.Uint64()) }},
	{"payload", "BLOB", false, func(r *rand.Rand, row int) string { return "NULL" }},
	{"ratio", "FLOAT DEFAULT NULL", false, func(r *rand.Rand, row int) string { return fmt.Sprintf("%.2f", r.Float64()) }},
}

// generateSchema builds n tables and a few views, the same for the same n: ids, timestamps,
// 3 to 11 palette columns, indexes, and foreign keys on every fifth table.
func generateSchema(n int) schemaSet {
	r := rand.New(rand.NewPCG(20240501, uint64(n)))
	var s schemaSet
	for i := range n {
		t := table{name: nouns[i%len(nouns)] + "_" + qualifiers[i/len(nouns)%len(qualifiers)]}
		if i >= len(nouns)*len(qualifiers) {
			t.name += fmt.Sprint(i / (len(nouns) * len(qualifiers)))
		}
		t.columns = append(t.columns, column{name: "id", def: "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"})
		if i%5 == 4 && i > 5 {
			for _, p := range pickParents(r, i, 1+r.IntN(2)) {
				parent := s.tables[p].name
				col := parent + "_id"
				t.columns = append(t.columns, column{name: col, def: "BIGINT UNSIGNED NOT NULL"})
				t.keys = append(t.keys, fmt.Sprintf("CONSTRAINT `fk_%s_%d` FOREIGN KEY (`%s`) REFERENCES `%s` (`id`) ON DELETE CASCADE", shortName(t.name), len(t.parents), col, parent))
				t.parents = append(t.parents, parent)
			}
			s.fkCount++
		}
		for _, c := range r.Perm(len(palette))[:3+r.IntN(9)] {
			p := palette[c]
			t.columns = append(t.columns, column{name: p.stem, def: p.def, value: p.value, indexable: p.index})
		}
		t.columns = append(t.columns,
			column{name: "created_at", def: "DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"},
			column{name: "updated_at", def: "DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"})
		t.keys = append(indexes(r, t), t.keys...)
		t.options = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
		if r.IntN(4) == 0 {
			t.options += fmt.Sprintf(" COMMENT='%s of the %s service'", nouns[i%len(nouns)], qualifiers[i/len(nouns)%len(qualifiers)])
		}
		s.tables = append(s.tables, t)
		s.files = append(s.files, filepath.Join("tables", t.name+".sql"))
	}
	s.changed = min(7, n-1)
	for i, t := range s.tables {
		if len(s.data) < 3 && len(t.parents) == 0 && i >= s.changed {
			s.data = append(s.data, i)
		}
	}
	s.views = views(s)
	for _, v := range s.views {
		s.files = append(s.files, filepath.Join("views", v.name+".sql"))
	}
	return s
}

// shortName keeps constraint names well under MySQL's 64 characters, so
// that a prefix can be added to them.
func shortName(name string) string { return name[:min(len(name), 24)] }

// pickParents picks k distinct tables before table i, without foreign
// keys of their own.
func pickParents(r *rand.Rand, i, k int) []int {
	var out []int
	for len(out) < k {
		p := r.IntN(i)
		if p%5 == 4 || slices.Contains(out, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// indexes gives a table a primary key, secondary indexes on up to three indexable columns
// (at times one composite) and, on every third table or so, a unique key.
func indexes(r *rand.Rand, t table) []string {
	keys := []string{"PRIMARY KEY (`id`)"}
	var cols []string
	for _, c := range t.columns[1:] {
		if c.indexable {
			cols = append(cols, c.name)
		}
	}
	r.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
	if len(cols) > 0 && r.IntN(3) == 0 {
		keys = append(keys, fmt.Sprintf("UNIQUE KEY `uq_%s` (`%s`)", cols[0], cols[0]))
		cols = cols[1:]
	}
	for j, c := range cols[:min(len(cols), r.IntN(4))] {
		if j == 1 && len(cols) > 2 && r.IntN(2) == 0 {
			keys = append(keys, fmt.Sprintf("KEY `idx_%s_%s` (`%s`,`%s`)", c, cols[2], c, cols[2]))
			continue
		}
		keys = append(keys, fmt.Sprintf("KEY `idx_%s` (`%s`)", c, c))
	}
	for _, c := range t.columns {
		if strings.HasSuffix(c.name, "_id") && c.value == nil {
			keys = append(keys, fmt.Sprintf("KEY `idx_%s` (`%s`)", c.name, c.name))
		}
	}
	return keys
}

// views defines five views: one per table kind (a filter and a
// projection), and a join of a child table with its parent.
func views(s schemaSet) []view {
	var out []view
	for i := 0; i < len(s.tables) && len(out) < 4; i += max(1, len(s.tables)/4) {
		t := s.tables[i]
		cols := []string{"`id`"}
		for _, c := range t.columns[1:4] {
			cols = append(cols, "`"+c.name+"`")
		}
		out = append(out, view{name: "recent_" + t.name, text: fmt.Sprintf(
			"CREATE VIEW `recent_%s` AS\n  SELECT %s\n  FROM `%s`\n  WHERE `created_at` > '2024-01-01';\n", t.name, strings.Join(cols, ", "), t.name)})
	}
	for _, t := range s.tables {
		if len(t.parents) > 0 {
			fk := t.columns[1].name
			out = append(out, view{name: t.name + "_with_parent", text: fmt.Sprintf(
				"CREATE VIEW `%s_with_parent` AS\n  SELECT c.`id`, c.`created_at`, p.`id` AS `parent_id`, p.`updated_at` AS `parent_updated_at`\n  FROM `%s` c\n  JOIN `%s` p ON p.`id` = c.`%s`;\n",
				t.name, t.name, t.parents[0], fk)})
			break
		}
	}
	return out
}

// create is a table's CREATE TABLE statement; alt adds a column and an
// index, the change the changed runs alternate.
func (t table) create(alt bool) string {
	var lines []string
	for _, c := range t.columns {
		lines = append(lines, fmt.Sprintf("  `%s` %s", c.name, c.def))
		if alt && c.name == "id" {
			lines = append(lines, "  `reference` VARCHAR(64) DEFAULT NULL")
		}
	}
	for _, k := range t.keys {
		lines = append(lines, "  "+k)
	}
	if alt {
		lines = append(lines, "  KEY `idx_reference` (`reference`)")
	}
	return fmt.Sprintf("CREATE TABLE `%s` (\n%s\n) %s;\n", t.name, strings.Join(lines, ",\n"), t.options)
}

// insert is the data file's INSERT of rows rows into t, with its column
// list, so that it fits either version of the changed table.
func (t table) insert(r *rand.Rand, rows int) string {
	var names []string
	var cols []column
	for _, c := range t.columns {
		if c.value != nil {
			names, cols = append(names, "`"+c.name+"`"), append(cols, c)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO `%s` (%s) VALUES\n", t.name, strings.Join(names, ", "))
	for row := range rows {
		vals := make([]string, len(cols))
		for i, c := range cols {
			vals[i] = c.value(r, row)
		}
		sep := ",\n"
		if row == rows-1 {
			sep = ";\n"
		}
		fmt.Fprintf(&b, "  (%s)%s", strings.Join(vals, ", "), sep)
	}
	return b.String()
}

// layout is where the generated files are.
type layout struct {
	schema string // the schema input: tables/ and views/
	data   string // the data file
	alt    string // the changed table's other version
	orig   string // the changed table's first version
	file   string // the changed table's file in the schema directory
}

// write writes the schema's files under dir: one per table and view, the data file with
// rowsPerTable rows per data table, and both versions of the changed table.
func (s *schemaSet) write(dir string, rowsPerTable int) (layout, error) {
	l := layout{schema: filepath.Join(dir, "schema"), data: filepath.Join(dir, "data", "rows.sql"),
		alt: filepath.Join(dir, "changed.alt.sql"), orig: filepath.Join(dir, "changed.orig.sql")}
	files := map[string]string{}
	for i, t := range s.tables {
		files[s.files[i]] = t.create(false)
	}
	for i, v := range s.views {
		files[s.files[len(s.tables)+i]] = v.text
	}
	for rel, text := range files {
		if err := writeFile(filepath.Join(l.schema, rel), text); err != nil {
			return l, err
		}
	}
	r := rand.New(rand.NewPCG(7, uint64(rowsPerTable)))
	var data strings.Builder
	s.rows = 0
	for _, i := range s.data {
		data.WriteString(s.tables[i].insert(r, rowsPerTable))
		s.rows += rowsPerTable
	}
	changed := s.tables[s.changed]
	l.file = filepath.Join(l.schema, s.files[s.changed])
	for path, text := range map[string]string{l.data: data.String(), l.alt: changed.create(true), l.orig: changed.create(false)} {
		if err := writeFile(path, text); err != nil {
			return l, err
		}
	}
	return l, nil
}

// writeFile writes text to path, creating its directory.
func writeFile(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
