package emulator

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// apiHandler serves one endpoint; a returned error becomes the API error
// response.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// routes builds the handler: the API under /v1 behind the request log,
// fault injection, auth and rate limit, and the knobs under /__emulator/.
func (e *Emulator) routes() http.Handler {
	api := http.NewServeMux()
	const (
		org = "/v1/organizations/{organization}"
		db  = org + "/databases/{database}"
		br  = db + "/branches/{branch}"
		dr  = db + "/deploy-requests/{number}"
	)
	for pattern, h := range map[string]apiHandler{
		"GET /v1/organizations":             e.listOrganizations,
		"GET " + org:                        e.getOrganization,
		"GET " + org + "/databases":         e.listDatabases,
		"GET " + db:                         e.getDatabase,
		"PATCH " + db:                       e.updateDatabaseSettings,
		"GET " + db + "/deploy-queue":       e.getDeployQueue,
		"GET " + dr + "/reviews":            e.listReviews,
		"POST " + dr + "/reviews":           e.reviewDeployRequest,
		"GET " + db + "/branches":           e.listBranches,
		"POST " + db + "/branches":          e.createBranch,
		"GET " + br:                         e.getBranch,
		"DELETE " + br:                      e.deleteBranch,
		"POST " + br + "/promote":           e.promoteBranch,
		"POST " + br + "/safe-migrations":   e.setSafeMigrations(true),
		"DELETE " + br + "/safe-migrations": e.setSafeMigrations(false),
		"GET " + br + "/schema":             e.getSchema,
		"GET " + br + "/schema/lint":        e.lintSchema,
		"GET " + br + "/diff":               e.branchDiff,
		"GET " + br + "/passwords":          e.listPasswords,
		"POST " + br + "/passwords":         e.createPassword,
		"GET " + br + "/passwords/{id}":     e.getPassword,
		"DELETE " + br + "/passwords/{id}":  e.deletePassword,
		"GET " + db + "/passwords":          e.listDatabasePasswords,
		"GET " + br + "/backups":            e.listBackups,
		"POST " + br + "/backups":           e.createBackup,
		"GET " + br + "/backups/{id}":       e.getBackup,
		"DELETE " + br + "/backups/{id}":    e.deleteBackup,
		"GET " + db + "/deploy-requests":    e.listDeployRequests,
		"POST " + db + "/deploy-requests":   e.createDeployRequest,
		"GET " + dr:                         e.getDeployRequest,
		"PATCH " + dr:                       e.closeDeployRequest,
		"POST " + dr + "/deploy":            e.deployDeployRequest,
		"POST " + dr + "/apply-deploy":      e.applyDeploy,
		"POST " + dr + "/skip-revert":       e.skipRevert,
		"POST " + dr + "/revert":            e.revertDeploy,
		"POST " + dr + "/cancel":            e.cancelDeploy,
		"PUT " + dr + "/auto-apply":         e.updateAutoApply,
		"GET " + dr + "/deployment":         e.getDeployment,
		"GET " + dr + "/operations":         e.listDeployOperations,
		"GET " + dr + "/diff":               e.deployRequestDiff,
	} {
		api.Handle(pattern, e.endpoint(h))
	}
	api.Handle("/", e.endpoint(func(w http.ResponseWriter, r *http.Request) error {
		return notFound("no route for %s %s", r.Method, r.URL.Path)
	}))

	root := http.NewServeMux()
	root.Handle("/__emulator/", e.adminRoutes())
	root.Handle("/", e.apiMiddleware(api))
	return root
}

// endpoint adapts an apiHandler, writing its error as an API error.
func (e *Emulator) endpoint(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				e.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
		}
	})
}

// apiMiddleware logs each request, applies injected faults, checks the
// service token and the rate limit, then serves it.
func (e *Emulator) apiMiddleware(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		_, endpoint := mux.Handler(r)
		if endpoint == "/" {
			endpoint = r.Method + " " + r.URL.Path
		}
		rec := &statusRecorder{ResponseWriter: w}
		entry := Request{Time: start, Method: r.Method, Path: r.URL.Path, Endpoint: endpoint}
		defer func() {
			entry.Status = rec.status
			entry.Duration = time.Since(start)
			e.reqlog.add(entry)
		}()
		if f, ok := e.faults.take(r.Method, r.URL.Path); ok {
			entry.Fault = f.ID
			if answered, _ := f.apply(rec, r); answered {
				return
			}
		}
		tokenID, ok := e.authenticate(r)
		if !ok {
			writeError(rec, unauthorized())
			return
		}
		if ok, wait := e.limiter.allow(tokenID, time.Now()); !ok {
			rec.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
			writeError(rec, newAPIError(http.StatusTooManyRequests, "rate_limited",
				"rate limit of %d requests per minute exceeded for this service token", e.limiter.limit()))
			return
		}
		mux.ServeHTTP(rec, withToken(r, tokenID))
	})
}
