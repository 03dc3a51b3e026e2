package public

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Subscriptions allowed per client address: a burst of 5, then one a
// minute. Each one sends an email, so a form that could be posted freely
// would let anyone make Firebreak mail strangers.
const (
	subscribeRate  = rate.Limit(1.0 / 60)
	subscribeBurst = 5
)

// limiter keeps one token bucket per client address; full (idle) buckets
// are dropped now and then so the map stays small.
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	swept   time.Time
}

func (l *limiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*rate.Limiter{}
	}
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= subscribeBurst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = rate.NewLimiter(subscribeRate, subscribeBurst)
		l.buckets[ip] = b
	}
	return b.AllowN(now, 1)
}
