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
	"strings"
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

// BenchmarkLoad loads a generated ~50 MB, 4-table dump into MariaDB with Parallelism 1 and 4,
// and pipes it into the mariadb client; run it with -benchtime=1x -count=3 to alternate them.
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

	// run times load and reports rows/s and the peak RSS in MB that load
	// returns.
	run := func(b *testing.B, load func(s *scratch) (int64, error)) {
		b.SetBytes(size)
		var elapsed time.Duration
		var peak int64
		for range b.N {
			b.StopTimer()
			s := newScratch(b)
			b.StartTimer()
			start := time.Now()
			rss, err := load(s)
			assert.NilError(b, err)
			elapsed += time.Since(start)
			peak = max(peak, rss)
			b.StopTimer()
			assert.NilError(b, s.drop())
			b.StartTimer()
		}
		b.ReportMetric(float64(rows)*float64(b.N)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
	}
	for _, p := range []int{1, 4} {
		b.Run("psflow-p"+strconv.Itoa(p), func(b *testing.B) {
			run(b, func(s *scratch) (int64, error) {
				resetPeakRSS()
				_, err := Load(context.Background(), s.db, []File{file}, Options{Parallelism: p})
				return peakRSS(), err
			})
		})
	}
	b.Run("mariadb-client", func(b *testing.B) {
		if _, err := exec.LookPath("mariadb"); err != nil {
			b.Skip("no mariadb client on PATH")
		}
		if _, err := os.Stat("/usr/bin/time"); err != nil {
			b.Skip("no /usr/bin/time to measure the client")
		}
		run(b, func(s *scratch) (int64, error) { return pipeToClient(s, path) })
	})
}

// resetPeakRSS restarts the process's peak RSS count (Linux only).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns the process's peak RSS in bytes since the last reset, or
// 0 where /proc is missing.
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// pipeToClient runs `mariadb <db> < path` against the scratch server and
// returns the client's peak RSS.
func pipeToClient(s *scratch, path string) (int64, error) {
	cfg, err := mysql.ParseDSN(s.dsn)
	if err != nil {
		return 0, err
	}
	host, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return 0, err
	}
	in, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	// GNU time reports the client's peak RSS in kB on the last line.
	cmd := exec.Command("/usr/bin/time", "-f", "%M", "mariadb", "--user="+cfg.User, "--host="+host, "--port="+port, s.name)
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+cfg.Passwd)
	cmd.Stdin = in
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, errors.New(string(out))
	}
	lines := strings.Fields(string(out))
	if len(lines) == 0 {
		return 0, nil
	}
	kb, _ := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	return kb << 10, nil
}
