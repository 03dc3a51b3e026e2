package httpapi

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sign-in attempts allowed per client address: a burst of 10, then one
// every 6 seconds. Enough for a person who mistypes; too slow for guessing.
const (
	loginRate  = rate.Limit(1.0 / 6)
	loginBurst = 10
)

// ipLimiter keeps one token bucket per client address. Idle buckets (full
// again) are dropped now and then, so the map stays as small as the set of
// recent clients.
type ipLimiter struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
	swept   time.Time
}

func newIPLimiter(limit rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{limit: limit, burst: burst, buckets: map[string]*rate.Limiter{}}
}

// allow takes a token for ip; when none is left it says how long to wait.
func (l *ipLimiter) allow(ip string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[ip] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
