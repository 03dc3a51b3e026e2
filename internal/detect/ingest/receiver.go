package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// Integrations is what the receiver reads to authenticate and route.
type Integrations interface {
	IntegrationByKeyHash(ctx context.Context, hash string) (detect.Integration, error)
	Rules(ctx context.Context) ([]detect.Rule, error)
}

// Receiver authenticates, decodes, routes and submits events.
type Receiver struct {
	pipe        *Pipeline
	ints        Integrations
	now         func() time.Time
	log         *slog.Logger
	defaultRate float64
	configRules []detect.Rule // from the configuration file, evaluated first

	mu       sync.Mutex
	cache    map[string]cachedIntegration // by key hash
	router   *detect.Router
	routerAt time.Time
	limiters map[int64]*rate.Limiter
}

type cachedIntegration struct {
	in     detect.Integration
	mapper *detect.Mapper
	at     time.Time
}

// cacheTTL bounds how long a changed or deleted integration or rule set may
// still be served from memory on a node that did not make the change (the
// node that did drops its cache at once).
const cacheTTL = 10 * time.Second

// ReceiverOptions tune a receiver.
type ReceiverOptions struct {
	DefaultRate float64 // events per second per integration when its config names none; 0: unlimited
	Log         *slog.Logger
	// ConfigRules are the routing rules of the configuration file, already
	// checked (detect.CheckConfigRules); they are evaluated before the
	// stored ones.
	ConfigRules []detect.Rule
}

// NewReceiver builds the receiver in front of pipe.
func NewReceiver(pipe *Pipeline, ints Integrations, now func() time.Time, opts ReceiverOptions) *Receiver {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Receiver{pipe: pipe, ints: ints, now: now, log: opts.Log, defaultRate: opts.DefaultRate, configRules: opts.ConfigRules,
		cache: map[string]cachedIntegration{}, limiters: map[int64]*rate.Limiter{}}
}

// Forget drops cached integrations and rules after a change.
func (r *Receiver) Forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache = map[string]cachedIntegration{}
	r.router = nil
	r.limiters = map[int64]*rate.Limiter{}
}

// errUnknownKey answers a key no integration has.
var errUnknownKey = apperr.Unauthenticated("no integration has this key; copy the URL or key from the integration's page in Firebreak")

// integration finds the integration of key (of kind, unless kind is empty).
func (r *Receiver) integration(ctx context.Context, key string, kind detect.Kind) (cachedIntegration, error) {
	if key == "" {
		return cachedIntegration{}, errUnknownKey
	}
	hash := detect.HashKey(key)
	now := r.now()
	r.mu.Lock()
	c, ok := r.cache[hash]
	r.mu.Unlock()
	if !ok || now.Sub(c.at) > cacheTTL {
		in, err := r.ints.IntegrationByKeyHash(ctx, hash)
		if apperr.Is(err, apperr.CodeNotFound) {
			return cachedIntegration{}, errUnknownKey
		}
		if err != nil {
			return cachedIntegration{}, err
		}
		c = cachedIntegration{in: in, at: now}
		if in.Config.Mapping != nil {
			if c.mapper, err = in.Config.Mapping.Compile(); err != nil {
				return cachedIntegration{}, err
			}
		}
		r.mu.Lock()
		r.cache[hash] = c
		r.mu.Unlock()
	}
	if kind != "" && c.in.Kind != kind {
		return cachedIntegration{}, apperr.Invalid("", "this key belongs to a %s integration; send %s payloads to its own URL", c.in.Kind, kind)
	}
	return c, nil
}

// allow applies the integration's rate limit.
func (r *Receiver) allow(in *detect.Integration) bool {
	limit := in.Config.RatePerSecond
	if limit == 0 {
		limit = r.defaultRate
	}
	if limit == 0 {
		return true
	}
	r.mu.Lock()
	l, ok := r.limiters[in.ID]
	if !ok {
		l = rate.NewLimiter(rate.Limit(limit), max(1, int(limit)))
		r.limiters[in.ID] = l
	}
	r.mu.Unlock()
	return l.Allow()
}

func (r *Receiver) routerFor(ctx context.Context) (*detect.Router, error) {
	now := r.now()
	r.mu.Lock()
	rt, at := r.router, r.routerAt
	r.mu.Unlock()
	if rt != nil && now.Sub(at) <= cacheTTL {
		return rt, nil
	}
	rules, err := r.ints.Rules(ctx)
	if err != nil {
		return nil, err
	}
	rt, err = detect.NewRouter(detect.Ordered(r.configRules, rules))
	if err != nil {
		// Rules are validated when saved, so this is a rule saved by an
		// older version; routing falls back to the default rather than
		// refusing alerts.
		// The configuration file's rules were checked at start and still apply.
		r.log.Error("stored routing rules do not compile; only the configuration file's apply", "error", err)
		rt, _ = detect.NewRouter(r.configRules)
	}
	r.mu.Lock()
	r.router, r.routerAt = rt, now
	r.mu.Unlock()
	return rt, nil
}

// errRateLimited is the answer to an integration over its rate.
var errRateLimited = errors.New("rate limited")

// submit routes events and waits for their commit.
func (r *Receiver) submit(ctx context.Context, c cachedIntegration, body []byte, events []detect.Event) error {
	if !r.allow(&c.in) {
		return errRateLimited
	}
	rt, err := r.routerFor(ctx)
	if err != nil {
		return err
	}
	acc := detect.Accepted{IntegrationID: c.in.ID, ReceivedAt: r.now().UTC(), Body: body, Events: make([]detect.Routed, len(events))}
	for i, e := range events {
		acc.Events[i] = rt.Route(e, &c.in)
	}
	return r.pipe.Submit(ctx, acc)
}

// ping records a heartbeat.
func (r *Receiver) ping(ctx context.Context, c cachedIntegration) error {
	now := r.now().UTC()
	clear := detect.Routed{Event: c.in.HeartbeatEvent(detect.Resolve, now), ServiceID: c.in.ServiceID, Route: detect.RouteTriage}
	return r.pipe.Submit(ctx, detect.Accepted{IntegrationID: c.in.ID, ReceivedAt: now, Ping: true, Events: []detect.Routed{clear}})
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Raise submits an event Firebreak makes itself for an integration (a
// missed heartbeat), through the same routing and durable path as a sender's.
func (r *Receiver) Raise(ctx context.Context, in detect.Integration, e detect.Event) error {
	rt, err := r.routerFor(ctx)
	if err != nil {
		return err
	}
	acc := detect.Accepted{IntegrationID: in.ID, ReceivedAt: r.now().UTC(), Body: []byte(`{"raised_by":"firebreak"}`), Raised: true,
		Events: []detect.Routed{rt.Route(e, &in)}}
	return r.pipe.Submit(ctx, acc)
}
