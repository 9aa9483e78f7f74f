package planetscale

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/go-sql-driver/mysql"
)

// withPort adds MySQL's port when the API gave a bare host.
func withPort(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	return net.JoinHostPort(host, "3306")
}

// ErrNoCA is returned by TLSConfig for extra CA data without a
// certificate.
var ErrNoCA = errors.New("no PEM certificate")

// TLSConfig is verified TLS to hostport (the credentials' host): a certificate naming the
// host, chained to the system roots or to extraCA (PEM) when given (docs/design/client.md).
func TLSConfig(hostport string, extraCA []byte) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(withPort(hostport))
	if err != nil {
		return nil, fmt.Errorf("mysql host %q: %w", hostport, err)
	}
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if len(extraCA) == 0 {
		return cfg, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(extraCA) {
		return nil, ErrNoCA
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// MySQLConfig is the go-sql-driver configuration of the credentials, with t as its TLS (none
// when t is nil), naming the PlanetScale database as its connection strings do.
func (c *Credentials) MySQLConfig(t *tls.Config) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = c.Username, c.PlainText, "tcp", withPort(c.Hostname), c.Database
	cfg.ParseTime = true
	cfg.TLS = t
	return cfg
}

// DSN is the go-sql-driver/mysql DSN for the credentials, with TLS
// verified against the system roots unless tls is false.
func (c *Credentials) DSN(tls bool) string {
	cfg := c.MySQLConfig(nil)
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
