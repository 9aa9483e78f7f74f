package emulator

import (
	"net/http"
	"sync"
	"time"
)

// Request is one API request the emulator received, as kept in its log.
type Request struct {
	// Time is when the request arrived.
	Time time.Time `json:"time"`
	// Method and Path are the request's method and URL path.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Endpoint is the route matched, such as "GET /v1/organizations/{organization}/databases";
	// a request no route matches keeps its method and path.
	Endpoint string `json:"endpoint"`
	// Status is the HTTP status answered; 0 when the connection was dropped.
	Status int `json:"status"`
	// Duration is how long the answer took.
	Duration time.Duration `json:"duration"`
	// Fault is the id of the injected fault that applied, if any.
	Fault string `json:"fault,omitempty"`
}

// maxLoggedRequests bounds the request log of a long-running emulator; the
// counts per endpoint stay complete.
const maxLoggedRequests = 10000

// requestLog keeps the latest API requests and a count per endpoint.
type requestLog struct {
	mu       sync.Mutex
	requests []Request
	counts   map[string]int
}

func newRequestLog() *requestLog { return &requestLog{counts: map[string]int{}} }

func (l *requestLog) add(r Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.requests) == maxLoggedRequests {
		l.requests = append(l.requests[:0], l.requests[1:]...)
	}
	l.requests = append(l.requests, r)
	l.counts[r.Endpoint]++
}

func (l *requestLog) list() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.requests...)
}

func (l *requestLog) countsCopy() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.counts))
	for k, v := range l.counts {
		out[k] = v
	}
	return out
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = nil
	l.counts = map[string]int{}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the first status written.
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 before the first body bytes.
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
