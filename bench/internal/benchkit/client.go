package benchkit

import (
	"context"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// ClientArgs are the arguments of the mysql/mariadb command-line client
// for a server and a database (its password goes in MYSQL_PWD).
func ClientArgs(server *mysql.Config, database string) []string {
	host, port, _ := strings.Cut(server.Addr, ":")
	args := []string{"-h", host}
	if port != "" {
		args = append(args, "-P", port)
	}
	return append(args, "-u", server.User, database)
}

// ClientCommand is the command-line client reading stdin into a database
// of server, its password passed in MYSQL_PWD.
func ClientCommand(ctx context.Context, client string, server *mysql.Config, database string, stdin io.Reader) *exec.Cmd {
	cmd := exec.CommandContext(ctx, client, ClientArgs(server, database)...)
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+server.Passwd)
	return cmd
}

// DefaultDSN is the server a benchmark uses unless -mysql-dsn says
// otherwise: $PSFLOW_TEST_MYSQL_DSN, else root on 127.0.0.1:3306.
func DefaultDSN() string {
	if dsn := os.Getenv("PSFLOW_TEST_MYSQL_DSN"); dsn != "" {
		return dsn
	}
	return "root@tcp(127.0.0.1:3306)/"
}

// ClientVersion is the client's own version line.
func ClientVersion(client string) string {
	out, err := exec.Command(client, "--version").Output()
	if err != nil {
		return client
	}
	return strings.TrimSpace(string(out))
}

// LoadAverage is the 1-minute load average of the machine, which tells
// whether other work competed for the CPUs.
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(data))[0]
}

// Tail is the end of a process's stderr, for errors.
func Tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}

// WorkDir returns dir, or a new temporary directory, and psflow, or one built into it;
// cleanup removes the directory unless keep.
func WorkDir(dir, pattern, psflow string, keep bool) (work, bin string, cleanup func(), err error) {
	if dir == "" {
		if dir, err = os.MkdirTemp("", pattern); err != nil {
			return "", "", nil, err
		}
	}
	cleanup = func() {
		if !keep {
			_ = os.RemoveAll(dir)
		}
	}
	if psflow == "" {
		if psflow, err = BuildPsflow(dir); err != nil {
			cleanup()
			return "", "", nil, err
		}
	}
	return dir, psflow, cleanup, nil
}
