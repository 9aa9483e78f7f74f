package sqlload

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gotest.tools/v3/assert"
)

// benchDump is a generated 20 MB mysqldump-style script, built once.
var benchDump = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if _, err := writeDump(&b, dumpSpec{tables: 4, bytes: 20 << 20, insertBytes: 1 << 20}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkSplit measures the splitter alone on a 20 MB dump.
func BenchmarkSplit(b *testing.B) {
	dump := benchDump()
	b.SetBytes(int64(len(dump)))
	b.ReportAllocs()
	for b.Loop() {
		sp := NewSplitter(bytes.NewReader(dump))
		n := 0
		for {
			_, err := sp.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n < 20 {
			b.Fatalf("only %d statements", n)
		}
	}
}

// BenchmarkLoad loads a generated ~50 MB, 4-table dump into MariaDB with
// Parallelism 1 and 4, and pipes the same file into the mariadb client.
// Run it with -benchtime=1x -count=3 so the three alternate.
func BenchmarkLoad(b *testing.B) {
	testServerDSN(b)
	path := filepath.Join(b.TempDir(), "dump.sql")
	f, err := os.Create(path)
	assert.NilError(b, err)
	rows, err := writeDump(f, dumpSpec{tables: 4, bytes: 50 << 20, insertBytes: 1 << 20})
	assert.NilError(b, err)
	assert.NilError(b, f.Close())
	info, err := os.Stat(path)
	assert.NilError(b, err)
	size := info.Size()
	file := File{Name: "dump.sql", Open: func() (io.ReadCloser, error) { return os.Open(path) }}

	run := func(b *testing.B, load func(s *scratch) error) {
		b.SetBytes(size)
		var elapsed time.Duration
		for range b.N {
			b.StopTimer()
			s := newScratch(b)
			b.StartTimer()
			start := time.Now()
			assert.NilError(b, load(s))
			elapsed += time.Since(start)
			b.StopTimer()
			assert.NilError(b, s.drop())
			b.StartTimer()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
	}
	for _, p := range []int{1, 4} {
		b.Run("psflow-p"+strconv.Itoa(p), func(b *testing.B) {
			run(b, func(s *scratch) error {
				_, err := Load(context.Background(), s.db, []File{file}, Options{Parallelism: p})
				return err
			})
		})
	}
	b.Run("mariadb-client", func(b *testing.B) {
		if _, err := exec.LookPath("mariadb"); err != nil {
			b.Skip("no mariadb client on PATH")
		}
		run(b, func(s *scratch) error { return pipeToClient(s, path) })
	})
}

// pipeToClient runs `mariadb <db> < path` against the scratch server.
func pipeToClient(s *scratch, path string) error {
	cfg, err := mysql.ParseDSN(s.dsn)
	if err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return err
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	cmd := exec.Command("mariadb", "--user="+cfg.User, "--host="+host, "--port="+port, s.name)
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+cfg.Passwd)
	cmd.Stdin = in
	out, err := cmd.CombinedOutput()
	if err != nil {
		return errors.New(string(out))
	}
	return nil
}
