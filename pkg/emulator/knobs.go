package emulator

// AddFault injects a fault into matching API requests and returns it with
// its id.
func (e *Emulator) AddFault(f Fault) (Fault, error) { return e.faults.add(f) }

// RemoveFault removes one fault; it reports whether the fault existed.
func (e *Emulator) RemoveFault(id string) bool { return e.faults.remove(id) }

// ClearFaults removes every fault.
func (e *Emulator) ClearFaults() { e.faults.clear() }

// Faults lists the active faults with their hit counts.
func (e *Emulator) Faults() []Fault { return e.faults.list() }

// Requests lists the API requests received so far (admin requests
// excluded; the latest 10,000), oldest first.
func (e *Emulator) Requests() []Request { return e.reqlog.list() }

// Counts returns the number of API requests per endpoint, keyed like
// "GET /v1/organizations/{organization}/databases/{database}/branches/{branch}".
func (e *Emulator) Counts() map[string]int { return e.reqlog.countsCopy() }

// ResetRequests empties the request log and its counts.
func (e *Emulator) ResetRequests() { e.reqlog.reset() }

// SetRateLimit changes the requests allowed per minute per service token
// (0 disables the limit) and forgets past usage.
func (e *Emulator) SetRateLimit(perMinute int) { e.limiter.set(perMinute) }

// RateLimit is the current limit in requests per minute per service token;
// 0 means none.
func (e *Emulator) RateLimit() int { return max(e.limiter.limit(), 0) }
