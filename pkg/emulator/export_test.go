package emulator

// What the package's external tests reach of its internals.
type (
	ErrorBody    = errorBody
	PasswordView = passwordView
	MySQLView    = mysqlView
	RequestsView = requestsView
)

var (
	RouteAccesses  = routeAccesses
	SpecRoutesText = specRoutesText
	DefaultRegion  = defaultRegion
)

// APIRoutes are the patterns of the API's routes.
func APIRoutes() map[string]apiHandler { return (&Emulator{}).apiHandlers() }

// ExternalStorage reports whether e keeps its branches on an external
// server rather than the embedded one.
func ExternalStorage(e *Emulator) bool { return e.cfg.MySQLDSN != "" }
