package emulator

import (
	"net/http"
)

// adminRoutes serves the test knobs under /__emulator/. They need the same
// service token as the API but are not logged, faulted or rate limited.
func (e *Emulator) adminRoutes() http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range map[string]apiHandler{
		"GET /__emulator/state":          e.adminState,
		"GET /__emulator/faults":         e.adminListFaults,
		"POST /__emulator/faults":        e.adminAddFault,
		"DELETE /__emulator/faults":      e.adminClearFaults,
		"DELETE /__emulator/faults/{id}": e.adminRemoveFault,
		"GET /__emulator/requests":       e.adminRequests,
		"DELETE /__emulator/requests":    e.adminResetRequests,
		"GET /__emulator/rate-limit":     e.adminRateLimit,
		"PUT /__emulator/rate-limit":     e.adminSetRateLimit,
		"GET /__emulator/mysql":          e.adminMySQL,
	} {
		mux.Handle(pattern, endpoint(e.log, h))
	}
	mux.Handle("/", endpoint(e.log, func(w http.ResponseWriter, r *http.Request) error {
		return notFound("no admin route for %s %s", r.Method, r.URL.Path)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := e.authenticate(r); !ok {
			writeError(w, unauthorized())
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (e *Emulator) adminState(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, e.State())
	return nil
}

func (e *Emulator) adminListFaults(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, wrapData(e.Faults()))
	return nil
}

func (e *Emulator) adminAddFault(w http.ResponseWriter, r *http.Request) error {
	var f Fault
	if err := decodeBody(r, &f); err != nil {
		return err
	}
	added, err := e.AddFault(f)
	if err != nil {
		return unprocessable("%v", err)
	}
	writeJSON(w, http.StatusCreated, added)
	return nil
}

func (e *Emulator) adminClearFaults(w http.ResponseWriter, r *http.Request) error {
	e.ClearFaults()
	return noContent(w)
}

func (e *Emulator) adminRemoveFault(w http.ResponseWriter, r *http.Request) error {
	if !e.RemoveFault(r.PathValue("id")) {
		return notFound("fault %s not found", r.PathValue("id"))
	}
	return noContent(w)
}

// requestsView is the body of GET /__emulator/requests.
type requestsView struct {
	Requests []Request      `json:"requests"`
	Counts   map[string]int `json:"counts"`
}

func (e *Emulator) adminRequests(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, requestsView{Requests: append([]Request{}, e.Requests()...), Counts: e.Counts()})
	return nil
}

func (e *Emulator) adminResetRequests(w http.ResponseWriter, r *http.Request) error {
	e.ResetRequests()
	return noContent(w)
}

// rateLimitView is the body of GET and PUT /__emulator/rate-limit.
type rateLimitView struct {
	PerMinute int `json:"per_minute"`
}

func (e *Emulator) adminRateLimit(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, rateLimitView{PerMinute: e.RateLimit()})
	return nil
}

func (e *Emulator) adminSetRateLimit(w http.ResponseWriter, r *http.Request) error {
	var v rateLimitView
	if err := decodeBody(r, &v); err != nil {
		return err
	}
	if v.PerMinute < 0 {
		return unprocessable("per_minute must not be negative")
	}
	e.SetRateLimit(v.PerMinute)
	writeJSON(w, http.StatusOK, rateLimitView{PerMinute: e.RateLimit()})
	return nil
}

// mysqlView is the body of GET /__emulator/mysql: where the MySQL edge
// listens and the CA a client must trust to verify it.
type mysqlView struct {
	Address     string `json:"address"`
	CAFile      string `json:"ca_file"`
	CAPEM       string `json:"ca_pem"`
	TLSRequired bool   `json:"tls_required"`
}

func (e *Emulator) adminMySQL(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, mysqlView{Address: e.MySQLAddr(), CAFile: e.CAFile(), CAPEM: string(e.CAPEM()), TLSRequired: !e.cfg.InsecureMySQL})
	return nil
}
