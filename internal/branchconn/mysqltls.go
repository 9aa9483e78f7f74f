package branchconn

import (
	"crypto/tls"
	"crypto/x509"
	"os"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// MySQLCAInput is the extra certificate authority psflow trusts for
// MySQL, for an emulator's edge; PlanetScale's certificates chain to the
// system roots and need none.
var MySQLCAInput = step.Input{
	Name:        "mysql_ca",
	Description: "PEM file of a certificate authority to trust for MySQL besides the system's, such as a local psflow-emulator's (PlanetScale needs none); when set, TLS is required and verified even on loopback.",
}

// MySQLCA reads the mysql_ca input's file, checking that it holds a
// certificate, and whether TLS may be off: mode is the step's tls choice
// ("auto", "true" or "false"), and "false" with a CA is an input error.
// Call it before anything is created, so a bad input stops the step
// first. Without the input it returns nil.
func MySQLCA(s *step.Step, mode string) ([]byte, error) {
	path := s.String(MySQLCAInput.Name)
	if path == "" {
		return nil, nil
	}
	if mode == "false" {
		return nil, step.Usagef("input mysql_ca requires TLS, and tls is false; drop one of them")
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, step.Usagef("input mysql_ca: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return nil, step.Usagef("input mysql_ca: %s: %w", path, planetscale.ErrNoCA)
	}
	return pem, nil
}

// MySQLTLS is the TLS of a MySQL connection to host (the credentials'
// host:port): with ca (MySQLCA), TLS verified against it and the system
// roots whatever the host; without, by mode: "auto" is TLS unless host
// is loopback, "true" TLS, "false" none. nil means no TLS.
func MySQLTLS(host, mode string, ca []byte) (*tls.Config, error) {
	if ca == nil && (mode == "false" || mode == "auto" && planetscale.Loopback(host)) {
		return nil, nil
	}
	return planetscale.TLSConfig(host, ca)
}
