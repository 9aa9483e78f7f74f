package emulator

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultRateLimit is the real API's limit: requests per minute per
// service token.
const DefaultRateLimit = 600

// rateLimiter is a token bucket per service token: each token may burst up
// to perMinute requests and regains perMinute/60 requests every second.
type rateLimiter struct {
	mu        sync.Mutex
	perMinute int
	buckets   map[string]*rate.Limiter
}

func newRateLimiter(perMinute int) *rateLimiter {
	return &rateLimiter{perMinute: perMinute, buckets: map[string]*rate.Limiter{}}
}

// set changes the limit (0 or less disables it) and forgets past usage.
func (l *rateLimiter) set(perMinute int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.perMinute = perMinute
	l.buckets = map[string]*rate.Limiter{}
}

// limit is the current limit per minute; 0 or less means none.
func (l *rateLimiter) limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.perMinute
}

// allow takes one request from key's bucket. When the bucket is empty it
// says how long until the next request would be allowed.
func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perMinute <= 0 {
		return true, 0
	}
	b := l.buckets[key]
	if b == nil {
		// A new bucket starts full.
		b = rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		// Refused: the request takes nothing from the bucket.
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// retryAfterSeconds renders a wait as a Retry-After value: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
