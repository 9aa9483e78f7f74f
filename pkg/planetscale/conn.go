package planetscale

import (
	"net"
	"net/url"

	"github.com/go-sql-driver/mysql"
)

// Loopback reports whether a host[:port] is this machine, where a local
// emulator's MySQL speaks no TLS.
func Loopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withPort adds MySQL's port when the API gave a bare host.
func withPort(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(host, "3306")
}

// DSN is the go-sql-driver/mysql DSN for the credentials, with TLS unless
// tls is false.
func (c *Credentials) DSN(tls bool) string {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = c.Username, c.PlainText, "tcp", withPort(c.Hostname), c.Database
	cfg.ParseTime = true
	if tls {
		cfg.TLSConfig = "true"
	}
	return cfg.FormatDSN()
}

// URL is the mysql:// URL for the credentials, asking for verified TLS
// unless tls is false.
func (c *Credentials) URL(tls bool) string {
	u := url.URL{Scheme: "mysql", User: url.UserPassword(c.Username, c.PlainText), Host: c.Hostname, Path: "/" + c.Database}
	if tls {
		u.RawQuery = "sslaccept=strict"
	}
	return u.String()
}
