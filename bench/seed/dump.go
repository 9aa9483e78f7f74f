package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

// netBuffer is how long mysqldump lets an extended INSERT grow before it
// starts the next one (its net_buffer_length default, 1 MiB less 1 KiB).
const netBuffer = 1046528

// table is one table of the generated dump: its definition, its share of
// the dump's bytes and how it writes row number i (from 1).
type table struct {
	name   string
	create string
	share  float64
	row    func(r *rand.Rand, i int, w *rowWriter)
}

// tables are the dump's tables: text with multi-byte characters and
// quotes, numbers and dates, JSON documents, and binary blobs.
var tables = []table{
	{name: "customers", share: 0.25, create: "CREATE TABLE `customers` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n  `email` varchar(120) NOT NULL,\n  `name` varchar(100) NOT NULL,\n" +
		"  `country` char(2) NOT NULL,\n  `created_at` datetime NOT NULL,\n  `bio` text DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n  KEY `country` (`country`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
		row: func(r *rand.Rand, i int, w *rowWriter) {
			w.int(i)
			w.str(fmt.Sprintf("user%d@example.%s", i, pick(r, "com", "org", "pt", "jp")))
			w.str(pick(r, "Ana", "Björn", "Chloé", "Dmitri", "Eşref", "Fumiko 文子", "O'Neil") + " " + word(r, 6+r.IntN(6)))
			w.str(pick(r, "PT", "JP", "DE", "US", "BR", "SE"))
			w.date(r)
			w.str(sentence(r, 20+r.IntN(40)) + pick(r, "", " 😀", " — naïve café", " \"quoted\"\n\tnext line"))
		}},
	{name: "orders", share: 0.25, create: "CREATE TABLE `orders` (\n" +
		"  `id` bigint(20) NOT NULL,\n  `customer_id` int(10) unsigned NOT NULL,\n  `total` decimal(10,2) NOT NULL,\n" +
		"  `status` enum('new','paid','shipped','cancelled') NOT NULL,\n  `note` varchar(255) DEFAULT NULL,\n  `created_at` datetime NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n  KEY `customer_id` (`customer_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
		row: func(r *rand.Rand, i int, w *rowWriter) {
			w.int(i * 7)
			w.int(1 + r.IntN(400000))
			w.raw(strconv.FormatFloat(float64(r.IntN(10000000))/100, 'f', 2, 64))
			w.str(pick(r, "new", "paid", "shipped", "cancelled"))
			if r.IntN(4) == 0 {
				w.null()
			} else {
				w.str(sentence(r, 5+r.IntN(15)) + pick(r, "", "; leave at the door", " -- gift", " 50% off"))
			}
			w.date(r)
		}},
	{name: "events", share: 0.3, create: "CREATE TABLE `events` (\n" +
		"  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n  `kind` varchar(32) NOT NULL,\n  `payload` longtext NOT NULL,\n" +
		"  `at` datetime NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
		row: func(r *rand.Rand, i int, w *rowWriter) {
			w.int(i)
			kind := pick(r, "page_view", "click", "signup", "purchase")
			w.str(kind)
			w.str(fmt.Sprintf(`{"kind":"%s","session":"%s","path":"/%s/%s","ua":"Mozilla/5.0 (X11; Linux x86_64)","tags":["%s","%s"],"n":%d}`,
				kind, word(r, 16), word(r, 5), word(r, 8), word(r, 4), word(r, 7), r.IntN(1000)))
			w.date(r)
		}},
	{name: "attachments", share: 0.2, create: "CREATE TABLE `attachments` (\n" +
		"  `id` int(11) NOT NULL,\n  `file_name` varchar(200) NOT NULL,\n  `data` mediumblob NOT NULL,\n" +
		"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
		row: func(r *rand.Rand, i int, w *rowWriter) {
			w.int(i)
			w.str(word(r, 10) + pick(r, ".png", ".pdf", ".bin"))
			data := make([]byte, 1024+r.IntN(3072))
			for k := range data {
				data[k] = byte(r.UintN(256))
			}
			w.bin(data)
		}},
}

// dumpStats describes a generated dump.
type dumpStats struct {
	Bytes int64
	Rows  map[string]int // by table
}

// totalRows is the rows of every table.
func (d dumpStats) totalRows() int {
	n := 0
	for _, c := range d.Rows {
		n += c
	}
	return n
}

// generate writes a mysqldump --no-create-info style dump of about size bytes to path, the
// same bytes for the same size; writeSchema writes the tables' definitions.
func generate(path string, size int64) (dumpStats, error) {
	f, err := os.Create(path)
	if err != nil {
		return dumpStats{}, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := &countWriter{w: bw}
	st := dumpStats{Rows: map[string]int{}}
	r := rand.New(rand.NewPCG(20240601, 6))
	fmt.Fprint(cw, dumpHeader)
	for _, t := range tables {
		fmt.Fprintf(cw, tableHeader, t.name, t.name, t.name)
		budget := cw.n + int64(float64(size)*t.share)
		w := &rowWriter{}
		for i := 1; cw.n < budget; {
			fmt.Fprintf(cw, "INSERT INTO `%s` VALUES ", t.name)
			for first := true; first || len(w.buf) < netBuffer-64<<10 && cw.n+int64(len(w.buf)) < budget; i++ {
				if !first {
					w.buf = append(w.buf, ',')
				}
				w.begin()
				t.row(r, i, w)
				w.end()
				st.Rows[t.name]++
				first = false
			}
			w.buf = append(w.buf, ";\n"...)
			_, _ = cw.Write(w.buf) // an error sticks in the bufio.Writer; Flush reports it
			w.buf = w.buf[:0]
		}
		fmt.Fprintf(cw, tableFooter, t.name)
	}
	fmt.Fprint(cw, dumpFooter)
	st.Bytes = cw.n
	if err := bw.Flush(); err != nil {
		return st, err
	}
	return st, f.Close()
}

const dumpHeader = `-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: 127.0.0.1    Database: bench
-- ------------------------------------------------------
-- Server version	10.11.6-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
`

const tableHeader = `
--
-- Dumping data for table ` + "`%s`" + `
--

LOCK TABLES ` + "`%s`" + ` WRITE;
/*!40000 ALTER TABLE ` + "`%s`" + ` DISABLE KEYS */;
`

const tableFooter = "/*!40000 ALTER TABLE `%s` ENABLE KEYS */;\nUNLOCK TABLES;\n"

const dumpFooter = `/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed on 2024-06-01 12:00:00
`

// writeSchema writes the CREATE TABLE statement of every table of the
// dump to path.
func writeSchema(path string) error {
	var b strings.Builder
	for _, t := range tables {
		b.WriteString(t.create + ";\n\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// rowWriter builds the "(v1,v2,…)" tuples of an extended INSERT.
type rowWriter struct {
	buf   []byte
	first bool
}

func (w *rowWriter) begin() { w.buf, w.first = append(w.buf, '('), true }
func (w *rowWriter) end()   { w.buf = append(w.buf, ')') }

// sep writes the comma before every value but the first.
func (w *rowWriter) sep() {
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
}

func (w *rowWriter) int(n int)    { w.sep(); w.buf = strconv.AppendInt(w.buf, int64(n), 10) }
func (w *rowWriter) raw(s string) { w.sep(); w.buf = append(w.buf, s...) }
func (w *rowWriter) null()        { w.sep(); w.buf = append(w.buf, "NULL"...) }
func (w *rowWriter) str(s string) { w.sep(); w.quoted([]byte(s)) }
func (w *rowWriter) bin(b []byte) { w.sep(); w.buf = append(w.buf, "_binary "...); w.quoted(b) }
func (w *rowWriter) date(r *rand.Rand) {
	t := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(4*365*24*3600)) * time.Second)
	w.str(t.Format(time.DateTime))
}

// quoted writes a string literal escaped as mysqldump does: NUL, quotes, backslash, CR, LF
// and ^Z get a backslash, every other byte is written as it is.
func (w *rowWriter) quoted(b []byte) {
	w.buf = append(w.buf, '\'')
	for _, c := range b {
		switch c {
		case 0:
			w.buf = append(w.buf, '\\', '0')
		case '\'', '"', '\\':
			w.buf = append(w.buf, '\\', c)
		case '\n':
			w.buf = append(w.buf, '\\', 'n')
		case '\r':
			w.buf = append(w.buf, '\\', 'r')
		case 0x1a:
			w.buf = append(w.buf, '\\', 'Z')
		default:
			w.buf = append(w.buf, c)
		}
	}
	w.buf = append(w.buf, '\'')
}

// pick returns one of the choices.
func pick(r *rand.Rand, choices ...string) string { return choices[r.IntN(len(choices))] }

// word returns n random lowercase letters.
func word(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// sentence returns n random words.
func sentence(r *rand.Rand, n int) string {
	b := make([]byte, 0, n*7)
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, word(r, 2+r.IntN(8))...)
	}
	return string(b)
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w *bufio.Writer
	n int64
}

// Write writes to the buffered file.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
