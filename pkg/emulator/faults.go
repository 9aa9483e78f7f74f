package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault makes matching API requests misbehave: answer with an error
// status, answer late, or drop the connection without an answer.
type Fault struct {
	// ID names the fault; AddFault assigns it.
	ID string `json:"id,omitempty"`
	// Method is the HTTP method to match; empty or "*" matches any.
	Method string `json:"method,omitempty"`
	// Path is the request path to match, segment by segment; a "*" segment
	// matches any one segment, e.g. /v1/organizations/*/databases/*/branches/*.
	Path string `json:"path"`
	// Status, when set, is the HTTP status to answer with instead of
	// serving the request.
	Status int `json:"status,omitempty"`
	// Body is the response body for Status; by default the API's
	// {"code","message"} error for that status.
	Body string `json:"body,omitempty"`
	// Header holds extra response headers for Status (e.g. Retry-After).
	Header map[string]string `json:"header,omitempty"`
	// Delay holds the request this long before it is answered (with Status,
	// dropped, or served normally).
	Delay time.Duration `json:"-"`
	// Drop closes the connection without any response.
	Drop bool `json:"drop,omitempty"`
	// Count is how many matching requests the fault applies to before it
	// is removed; 0 means every matching request.
	Count int `json:"count,omitempty"`
	// Probability, when set, is the chance (0 to 1) that the fault applies
	// to a matching request; nil means always.
	Probability *float64 `json:"probability,omitempty"`
	// Hits counts the requests the fault has applied to so far.
	Hits int `json:"hits"`
}

// Chance returns p as a Fault.Probability.
func Chance(p float64) *float64 { return &p }

type faultAlias Fault

// faultJSON is Fault on the wire, with Delay as a Go duration string
// ("250ms").
type faultJSON struct {
	faultAlias
	Delay string `json:"delay,omitempty"`
}

// MarshalJSON writes Delay as a duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	w := faultJSON{faultAlias: faultAlias(f)}
	if f.Delay > 0 {
		w.Delay = f.Delay.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads Delay as a duration string.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var w faultJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*f = Fault(w.faultAlias)
	if w.Delay != "" {
		d, err := time.ParseDuration(w.Delay)
		if err != nil {
			return fmt.Errorf("fault delay: %w", err)
		}
		f.Delay = d
	}
	return nil
}

// ErrInvalidFault is returned by AddFault for a fault that cannot apply.
var ErrInvalidFault = errors.New("invalid fault")

func (f Fault) validate() error {
	switch {
	case !strings.HasPrefix(f.Path, "/"):
		return fmt.Errorf("%w: path %q must start with /", ErrInvalidFault, f.Path)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("%w: status %d", ErrInvalidFault, f.Status)
	case f.Status == 0 && f.Delay <= 0 && !f.Drop:
		return fmt.Errorf("%w: give a status, a delay or drop", ErrInvalidFault)
	case f.Status != 0 && f.Drop:
		return fmt.Errorf("%w: status and drop exclude each other", ErrInvalidFault)
	case f.Count < 0 || f.Delay < 0:
		return fmt.Errorf("%w: negative count or delay", ErrInvalidFault)
	case f.Probability != nil && (*f.Probability < 0 || *f.Probability > 1):
		return fmt.Errorf("%w: probability %v not in [0,1]", ErrInvalidFault, *f.Probability)
	}
	return nil
}

// matches reports whether the fault's method and path pattern match.
func (f *Fault) matches(method, path string) bool {
	if f.Method != "" && f.Method != "*" && !strings.EqualFold(f.Method, method) {
		return false
	}
	want := strings.Split(strings.Trim(f.Path, "/"), "/")
	got := strings.Split(strings.Trim(path, "/"), "/")
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		if want[i] != "*" && want[i] != got[i] {
			return false
		}
	}
	return true
}

// faultSet holds the active faults in the order they were added.
type faultSet struct {
	mu     sync.Mutex
	seq    int
	faults []*Fault
}

func (s *faultSet) add(f Fault) (Fault, error) {
	if err := f.validate(); err != nil {
		return Fault{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	f.ID = fmt.Sprintf("fault-%d", s.seq)
	f.Hits = 0
	s.faults = append(s.faults, &f)
	return f, nil
}

func (s *faultSet) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.ID == id {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return true
		}
	}
	return false
}

func (s *faultSet) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *faultSet) list() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, *f)
	}
	return out
}

// take returns the first fault that matches and applies to this request,
// counting the hit and removing the fault once its count is used up.
func (s *faultSet) take(method, path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(method, path) {
			continue
		}
		if f.Probability != nil && rand.Float64() >= *f.Probability {
			continue
		}
		f.Hits++
		applied := *f
		if f.Count > 0 && f.Hits >= f.Count {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return applied, true
	}
	return Fault{}, false
}

// apply carries out a fault on a request, calling beforeDrop before it drops the connection;
// it reports whether the request was answered (or dropped) and must not be served.
func (f Fault) apply(w http.ResponseWriter, r *http.Request, beforeDrop func()) (answered bool, status int) {
	if f.Delay > 0 {
		// The server notices a client that hangs up only once the request
		// body has been read, so read it now: a request whose client gave
		// up during the delay must not be served afterwards.
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return true, 0
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true, 0
		}
	}
	switch {
	case f.Drop:
		beforeDrop()
		dropConnection(w)
		return true, 0
	case f.Status != 0:
		for k, v := range f.Header {
			w.Header().Set(k, v)
		}
		if f.Body != "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(f.Status)
			_, _ = w.Write([]byte(f.Body))
		} else {
			writeJSON(w, f.Status, errorBody{Code: codeForStatus(f.Status), Message: fmt.Sprintf("injected fault %s", f.ID)})
		}
		return true, f.Status
	}
	return false, 0
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
