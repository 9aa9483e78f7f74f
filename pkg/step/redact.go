package step

import (
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// redacted replaces every secret in printed text.
const redacted = "***"

// credentialsRE finds passwords inside DSNs and URLs: user:pass@tcp(…) and
// scheme://user:pass@host.
var credentialsRE = regexp.MustCompile(`([A-Za-z0-9_.+-]+):([^\s:@/'"]+)@(tcp\(|unix\(|[A-Za-z0-9.\[\]-]+[:/]?)`)

// redactor removes registered secrets and embedded credentials from text.
type redactor struct {
	mu      sync.RWMutex
	secrets []string // longest first, so a secret containing another is hidden whole
}

// add registers a secret. Short values are ignored: masking "1" would
// destroy every log line and protect nothing.
func (r *redactor) add(secret string) bool {
	secret = strings.TrimSpace(secret)
	if len(secret) < 4 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.secrets {
		if s == secret {
			return false
		}
	}
	r.secrets = append(r.secrets, secret)
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return true
}

// redact returns s with secrets and credentials replaced.
func (r *redactor) redact(s string) string {
	r.mu.RLock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	r.mu.RUnlock()
	return redactCredentials(s)
}

// redactCredentials hides the password of any DSN or URL in s.
func redactCredentials(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return credentialsRE.ReplaceAllString(s, "$1:"+redacted+"@$3")
}

// redactWriter redacts each write before passing it on. Callers write whole
// lines, so a secret is never split across two writes.
type redactWriter struct {
	r *redactor
	w io.Writer
}

func (w redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.r.redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
