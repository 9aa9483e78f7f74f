package emulator

import (
	"math"
	"sync"
	"time"
)

// DefaultRateLimit is the real API's limit: requests per minute per
// service token.
const DefaultRateLimit = 600

// rateLimiter is a token bucket per service token: each token may burst up
// to perMinute requests and regains perMinute/60 requests every second.
type rateLimiter struct {
	mu        sync.Mutex
	perMinute int
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perMinute int) *rateLimiter {
	return &rateLimiter{perMinute: perMinute, buckets: map[string]*bucket{}}
}

// set changes the limit (0 or less disables it) and forgets past usage.
func (l *rateLimiter) set(perMinute int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.perMinute = perMinute
	l.buckets = map[string]*bucket{}
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
	capacity := float64(l.perMinute)
	perSecond := capacity / 60
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: capacity, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(capacity, b.tokens+now.Sub(b.last).Seconds()*perSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
	return false, wait
}

// retryAfterSeconds renders a wait as a Retry-After value: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
