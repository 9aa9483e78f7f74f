package sqlload_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	_ "github.com/go-sql-driver/mysql"
	"github.com/psflow/psflow/pkg/sqlload"
)

// A Splitter reads a script as the mysql client does: comments,
// quotes and DELIMITER included.
func ExampleSplitter() {
	script := `-- rooms
CREATE TABLE rooms (id INT PRIMARY KEY, name VARCHAR(40));
INSERT INTO rooms VALUES (1, 'a; b'), (2, 'c');
DELIMITER //
CREATE TRIGGER t BEFORE INSERT ON rooms FOR EACH ROW BEGIN SET NEW.name = TRIM(NEW.name); END//
`
	sp := sqlload.NewSplitter(strings.NewReader(script))
	for {
		st, err := sp.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(strings.TrimSpace(fmt.Sprintf("line %d: %s %s", st.Line, st.Kind, st.Table)))
	}
	// Output:
	// line 2: schema
	// line 3: data rooms
	// line 5: schema
}

// Load runs files in order against a MySQL server, the rows of
// different tables in parallel.
func ExampleLoad() {
	db, err := sql.Open("mysql", "root@tcp(127.0.0.1:3306)/app")
	if err != nil {
		return
	}
	defer db.Close()
	files := []sqlload.File{{Name: "seed.sql", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("INSERT INTO rooms VALUES (3, 'd');")), nil
	}}}
	res, err := sqlload.Load(context.Background(), db, files, sqlload.Options{Parallelism: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Statements, "statements")
}
