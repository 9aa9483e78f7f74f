package planetscale

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// testCA is a self-signed CA certificate, PEM-encoded.
func testCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	assert.NilError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	assert.NilError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestTLSConfig(t *testing.T) {
	t.Parallel()
	plain, err := TLSConfig("aws.connect.psdb.cloud", nil)
	assert.NilError(t, err)
	assert.Equal(t, plain.ServerName, "aws.connect.psdb.cloud")
	assert.Assert(t, plain.RootCAs == nil, "the system roots")
	assert.Assert(t, !plain.InsecureSkipVerify)

	extra, err := TLSConfig("127.0.0.1:3306", testCA(t))
	assert.NilError(t, err)
	assert.Equal(t, extra.ServerName, "127.0.0.1")
	assert.Assert(t, extra.RootCAs != nil)

	_, err = TLSConfig("127.0.0.1:3306", []byte("not a certificate"))
	assert.Assert(t, errors.Is(err, ErrNoCA))
}

func TestCredentialsNameThePlanetScaleDatabase(t *testing.T) {
	t.Parallel()
	c := &Credentials{Password: &Password{Hostname: "aws.connect.psdb.cloud", Username: "u", PlainText: "p"}, Database: "app"}
	assert.Equal(t, c.DSN(true), "u:p@tcp(aws.connect.psdb.cloud:3306)/app?parseTime=true&tls=true")
	assert.Equal(t, c.URL(true), "mysql://u:p@aws.connect.psdb.cloud/app?sslaccept=strict")
	cfg := c.MySQLConfig(nil)
	assert.Assert(t, cfg.TLS == nil)
	assert.Check(t, is.Equal(cfg.DBName, "app"))
	assert.Check(t, !strings.Contains(c.DSN(false), "tls="))
}
