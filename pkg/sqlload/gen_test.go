package sqlload

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// dumpSpec describes a generated mysqldump-style script: tables t0…tN-1 of equal size filled by
// multi-row INSERTs, t1… referencing t0 by a foreign key as a real schema would.
type dumpSpec struct {
	tables      int
	bytes       int // approximate size of the script
	insertBytes int // approximate size of one INSERT (mysqldump: 1 MiB)
}

// writeDump writes the script and returns how many rows it inserts.
func writeDump(w io.Writer, spec dumpSpec) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	bw.WriteString("-- generated dump\n/*!40101 SET NAMES utf8mb4 */;\n" +
		"/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n" +
		"/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\n")
	perTable := spec.bytes / spec.tables
	rowsPerTable := int64(perTable / 170) // rows average about 170 bytes
	var total int64
	for t := range spec.tables {
		fmt.Fprintf(bw, "--\n-- Table structure for table `t%d`\n--\n\nDROP TABLE IF EXISTS `t%d`;\n", t, t)
		fmt.Fprintf(bw, "CREATE TABLE `t%d` (\n  `id` int(11) NOT NULL,\n  `ref` int(11) DEFAULT NULL,\n"+
			"  `name` varchar(64) NOT NULL,\n  `body` text,\n  `amount` decimal(10,2) NOT NULL,\n"+
			"  `created` datetime NOT NULL,\n  `data` blob,\n  PRIMARY KEY (`id`)", t)
		if t > 0 {
			fmt.Fprintf(bw, ",\n  KEY `ref` (`ref`),\n  CONSTRAINT `t%d_fk` FOREIGN KEY (`ref`) REFERENCES `t0` (`id`)", t)
		}
		bw.WriteString("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n")
		fmt.Fprintf(bw, "LOCK TABLES `t%d` WRITE;\n/*!40000 ALTER TABLE `t%d` DISABLE KEYS */;\n", t, t)
		size := 0
		for id := int64(1); id <= rowsPerTable; id++ {
			if size == 0 {
				fmt.Fprintf(bw, "INSERT INTO `t%d` VALUES ", t)
			} else {
				bw.WriteByte(',')
			}
			size += writeRow(bw, rng, id, rowsPerTable)
			if size >= spec.insertBytes || id == rowsPerTable {
				bw.WriteString(";\n")
				size = 0
			}
		}
		total += rowsPerTable
		fmt.Fprintf(bw, "/*!40000 ALTER TABLE `t%d` ENABLE KEYS */;\nUNLOCK TABLES;\n\n", t)
	}
	bw.WriteString("/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n")
	return total, bw.Flush()
}

// words feed the generated text columns, with characters that need escaping.
var words = []string{"alpha", "beta", "gamma", "it\\'s", "O''Brien", "semi;colon", "😀", "日本", "tab\\there",
	"line\\nbreak", "back\\\\slash", "-- dash", "/* star */", "#hash", "\\\"dq\\\"", "zeta", "eta", "theta"}

// writeRow writes one row tuple and returns its length.
func writeRow(w *bufio.Writer, rng *rand.Rand, id, refs int64) int {
	var b strings.Builder
	fmt.Fprintf(&b, "(%d,%d,'", id, 1+rng.Int64N(refs))
	for i := range 3 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	b.WriteString("','")
	for i := range 8 + rng.IntN(8) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	fmt.Fprintf(&b, "',%d.%02d,'2024-%02d-%02d %02d:%02d:%02d',", rng.IntN(100000), rng.IntN(100),
		1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60))
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "0x%016X)", rng.Uint64())
	} else {
		b.WriteString("'\\0\\0\\n\\r\\Z")
		b.WriteByte(byte(0x80 + rng.IntN(0x7f))) // raw high byte, as mysqldump writes them
		b.WriteString("')")
	}
	w.WriteString(b.String())
	return b.Len()
}
