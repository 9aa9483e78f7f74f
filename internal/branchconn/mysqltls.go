package branchconn

import (
	"crypto/tls"
	"crypto/x509"
	"os"

	"github.com/psflow/psflow/pkg/planetscale"
	"github.com/psflow/psflow/pkg/step"
)

// MySQLCAInput is the extra certificate authority psflow trusts for MySQL,
// for an emulator's edge.
var MySQLCAInput = step.Input{
	Name:        "mysql_ca",
	Description: "PEM file of a certificate authority to trust for MySQL besides the system's, such as a local psflow-emulator's (PlanetScale needs none); when set, TLS is required and verified even on loopback.",
}

// MySQLCA reads the mysql_ca input's file (nil without it) and checks it
// against mode, the step's tls choice; call it before anything is created.
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

// MySQLTLS is the TLS of a MySQL connection to host:port, verified against
// ca and the system roots, else chosen by mode; nil means no TLS.
func MySQLTLS(host, mode string, ca []byte) (*tls.Config, error) {
	if ca == nil && (mode == "false" || mode == "auto" && planetscale.Loopback(host)) {
		return nil, nil
	}
	return planetscale.TLSConfig(host, ca)
}
