package emulator

import (
	"net/http"
	"strconv"
	"time"
)

// routes builds the handler: the API under /v1 behind the request log, faults, auth, rate
// limit and the token's accesses, and the knobs under /__emulator/.
func (e *Emulator) routes() http.Handler {
	api := http.NewServeMux()
	for pattern, h := range e.apiHandlers() {
		api.Handle(pattern, endpoint(e.log, h))
	}
	api.Handle("/", endpoint(e.log, noRoute))

	root := http.NewServeMux()
	root.Handle("/__emulator/", e.adminRoutes())
	root.Handle("/", e.apiMiddleware(api))
	return root
}

// apiHandlers are the API's endpoints by route pattern; routeAccesses
// lists the service token accesses of each.
func (e *Emulator) apiHandlers() map[string]apiHandler {
	return map[string]apiHandler{
		"GET /v1/organizations":                     e.listOrganizations,
		"GET " + orgRoute:                           e.getOrganization,
		"GET " + orgRoute + "/databases":            e.listDatabases,
		"GET " + dbRoute:                            e.getDatabase,
		"PATCH " + dbRoute:                          e.updateDatabaseSettings,
		"GET " + dbRoute + "/deploy-queue":          e.getDeployQueue,
		"GET " + drRoute + "/reviews":               e.listReviews,
		"POST " + drRoute + "/reviews":              e.reviewDeployRequest,
		"GET " + dbRoute + "/branches":              e.listBranches,
		"POST " + dbRoute + "/branches":             e.createBranch,
		"GET " + brRoute:                            e.getBranch,
		"DELETE " + brRoute:                         e.deleteBranch,
		"PATCH " + brRoute:                          e.updateBranchSettings,
		"POST " + brRoute + "/promote":              e.promoteBranch,
		"POST " + brRoute + "/safe-migrations":      e.setSafeMigrations(true),
		"DELETE " + brRoute + "/safe-migrations":    e.setSafeMigrations(false),
		"GET " + brRoute + "/schema":                e.getSchema,
		"GET " + brRoute + "/schema/lint":           e.lintSchema,
		"GET " + brRoute + "/diff":                  e.branchDiff,
		"GET " + brRoute + "/passwords":             e.listPasswords,
		"POST " + brRoute + "/passwords":            e.createPassword,
		"GET " + brRoute + "/passwords/{id}":        e.getPassword,
		"DELETE " + brRoute + "/passwords/{id}":     e.deletePassword,
		"POST " + brRoute + "/passwords/{id}/renew": e.renewPassword,
		"GET " + dbRoute + "/passwords":             e.listDatabasePasswords,
		"GET " + brRoute + "/backups":               e.listBackups,
		"POST " + brRoute + "/backups":              e.createBackup,
		"GET " + brRoute + "/backups/{id}":          e.getBackup,
		"DELETE " + brRoute + "/backups/{id}":       e.deleteBackup,
		"GET " + dbRoute + "/deploy-requests":       e.listDeployRequests,
		"POST " + dbRoute + "/deploy-requests":      e.createDeployRequest,
		"GET " + drRoute:                            e.getDeployRequest,
		"PATCH " + drRoute:                          e.closeDeployRequest,
		"POST " + drRoute + "/deploy":               e.deployDeployRequest,
		"POST " + drRoute + "/apply-deploy":         e.applyDeploy,
		"POST " + drRoute + "/skip-revert":          e.skipRevert,
		"POST " + drRoute + "/revert":               e.revertDeploy,
		"POST " + drRoute + "/complete-deploy":      e.completeErroredDeploy,
		"PUT " + drRoute + "/auto-apply":            e.updateAutoApply,
		"POST " + drRoute + "/cancel":               e.cancelDeploy,
		"GET " + drRoute + "/deployment":            e.getDeployment,
		"GET " + drRoute + "/operations":            e.listDeployOperations,
		"GET " + drRoute + "/diff":                  e.deployRequestDiff,
	}
}

// apiMiddleware logs each request, applies injected faults, checks the
// service token, the rate limit and the token's accesses, then serves it.
func (e *Emulator) apiMiddleware(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		_, endpoint := mux.Handler(r)
		if endpoint == "/" {
			endpoint = r.Method + " " + r.URL.Path
		}
		rec := &statusRecorder{ResponseWriter: w}
		entry := Request{Time: start, Method: r.Method, Path: r.URL.Path, Endpoint: endpoint}
		logged := false
		log := func() {
			if !logged {
				logged = true
				entry.Status = rec.status
				entry.Duration = time.Since(start)
				e.reqlog.add(entry)
			}
		}
		defer log()
		if f, ok := e.faults.take(r.Method, r.URL.Path); ok {
			entry.Fault = f.ID
			// A dropped connection reaches the client at once: log the
			// request before, so the log has it when the client sees it.
			if answered, _ := f.apply(rec, r, log); answered {
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
		if !e.permits(tokenID, endpoint) || !e.reaches(tokenID, r.URL.Path) {
			writeError(rec, missingAccess())
			return
		}
		mux.ServeHTTP(rec, withToken(r, tokenID))
	})
}
