package ghfake

import (
	"net/http"
	"strings"
)

// FailNext makes the next request of method ("" for any) under pathPrefix, still checked and
// logged, answer status with a GitHub error; faults apply once each, in order.
func (s *Server) FailNext(method, pathPrefix string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method: method, prefix: pathPrefix, status: status})
}

// takeFault removes and returns the first fault matching the request.
func (s *Server) takeFault(method, path string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.method == "" || strings.EqualFold(f.method, method)) && strings.HasPrefix(path, f.prefix) {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f.status, true
		}
	}
	return 0, false
}

// faultMessages are the messages GitHub answers with these statuses.
var faultMessages = map[int]string{
	http.StatusUnauthorized:        "Bad credentials",
	http.StatusForbidden:           "Resource not accessible by integration",
	http.StatusNotFound:            "Not Found",
	http.StatusUnprocessableEntity: "Validation Failed",
	http.StatusInternalServerError: "Server Error",
}

func faultMessage(status int) string {
	if m, ok := faultMessages[status]; ok {
		return m
	}
	return http.StatusText(status)
}
