// Package ingest is the durable path of alert events: HTTP handlers that
// speak each sender's protocol, and the group-commit pipeline behind them
// that writes concurrent requests in shared transactions. A sender gets a
// 2xx only after its event is committed; when the pipeline is full it gets
// 429 with Retry-After instead, never a 2xx for something later dropped.
package ingest

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// Store is what the pipeline needs from storage.
type Store interface {
	// Ingest commits a batch of accepted requests in one transaction.
	Ingest(ctx context.Context, batch []detect.Accepted) error
}

// ErrOverloaded means the queue is full: the sender should retry later.
var ErrOverloaded = errors.New("ingest queue full")

// PipelineOptions tune the group commit.
type PipelineOptions struct {
	Committers int   // concurrent committing transactions: 1 on SQLite (one writer); a few on PostgreSQL
	MaxBatch   int   // requests per transaction; default 256
	QueueLen   int   // requests waiting for a commit before 429; default 512
	QueueBytes int64 // bytes of bodies waiting before 429; default 64 MiB
	Log        *slog.Logger
}

// Pipeline batches accepted requests into transactions.
type Pipeline struct {
	store    Store
	opts     PipelineOptions
	ch       chan *pending
	bytes    atomic.Int64
	wg       sync.WaitGroup
	stopOnce sync.Once
	stopped  chan struct{}

	// Counters, for metrics and the benchmark.
	Committed atomic.Int64 // requests committed
	Batches   atomic.Int64 // transactions committed
	Refused   atomic.Int64 // requests refused as overload
}

type pending struct {
	acc  detect.Accepted
	done chan error
}

// NewPipeline builds a pipeline; Start runs it.
func NewPipeline(store Store, opts PipelineOptions) *Pipeline {
	if opts.Committers <= 0 {
		opts.Committers = 1
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.QueueLen <= 0 {
		// Bounded by time, not memory: at the rates measured on a 2-core
		// machine (7,000–10,000/s) 512 waiting requests are 50–75 ms of
		// work; a longer queue would only turn overload into latency.
		opts.QueueLen = 512
	}
	if opts.QueueBytes <= 0 {
		opts.QueueBytes = 64 << 20
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Pipeline{store: store, opts: opts, ch: make(chan *pending, opts.QueueLen), stopped: make(chan struct{})}
}

// Start runs the committers until Stop.
func (p *Pipeline) Start() {
	for range p.opts.Committers {
		p.wg.Add(1)
		go p.commitLoop()
	}
}

// Stop lets the committers finish what is queued, then returns. Submit
// must not be called after Stop (the HTTP server is shut down first).
func (p *Pipeline) Stop() {
	p.stopOnce.Do(func() { close(p.stopped) })
	p.wg.Wait()
}

// Submit queues acc and waits until it is committed (nil) or failed. It
// does not wait for room: a full queue is ErrOverloaded at once.
func (p *Pipeline) Submit(ctx context.Context, acc detect.Accepted) error {
	size := int64(len(acc.Body))
	if p.bytes.Add(size) > p.opts.QueueBytes {
		p.bytes.Add(-size)
		p.Refused.Add(1)
		return ErrOverloaded
	}
	req := &pending{acc: acc, done: make(chan error, 1)}
	select {
	case <-p.stopped:
		p.bytes.Add(-size)
		return apperr.Unavailable("the server is shutting down; send again")
	default:
	}
	select {
	case p.ch <- req:
	default:
		p.bytes.Add(-size)
		p.Refused.Add(1)
		return ErrOverloaded
	}
	// Once queued, the request is committed or failed whatever the caller
	// does; waiting for the answer must not be cut short by a client that
	// hung up, or the server would lose track of nothing but the reply.
	return <-req.done
}

// Backlog is the number of requests waiting for a commit.
func (p *Pipeline) Backlog() int { return len(p.ch) }

// Full reports whether the queue has no room: handlers check it before
// reading and decoding a body, so that refusing costs little under a storm
// and the CPU goes to the requests that can be accepted.
func (p *Pipeline) Full() bool {
	if len(p.ch) >= cap(p.ch) || p.bytes.Load() >= p.opts.QueueBytes {
		p.Refused.Add(1)
		return true
	}
	return false
}

func (p *Pipeline) commitLoop() {
	defer p.wg.Done()
	batch := make([]*pending, 0, p.opts.MaxBatch)
	for {
		var first *pending
		select {
		case first = <-p.ch:
		case <-p.stopped:
			// Drain what is queued before stopping.
			select {
			case first = <-p.ch:
			default:
				return
			}
		}
		batch = append(batch[:0], first)
	fill:
		for len(batch) < p.opts.MaxBatch {
			select {
			case r := <-p.ch:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		p.commit(batch)
	}
}

// commit writes a batch. If the shared transaction fails (one request
// referring to an integration deleted meanwhile, a deadlock on PostgreSQL),
// each request is retried alone, so one bad request fails only itself.
func (p *Pipeline) commit(batch []*pending) {
	accs := make([]detect.Accepted, len(batch))
	for i, r := range batch {
		accs[i] = r.acc
	}
	// A stable order of keys within a batch keeps concurrent transactions
	// on PostgreSQL from locking the same alerts in opposite orders.
	if p.opts.Committers > 1 {
		order := make([]int, len(accs))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return compareAccepted(&accs[a], &accs[b]) })
		sorted := make([]detect.Accepted, len(accs))
		sortedReqs := make([]*pending, len(batch))
		for i, j := range order {
			sorted[i], sortedReqs[i] = accs[j], batch[j]
		}
		accs, batch = sorted, sortedReqs
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := p.store.Ingest(ctx, accs)
	if retryable(err) {
		err = p.store.Ingest(ctx, accs)
	}
	if err == nil {
		p.finish(batch, nil)
		p.Batches.Add(1)
		return
	}
	if len(batch) == 1 {
		p.opts.Log.Warn("ingest commit failed", "error", err)
		p.finish(batch, err)
		return
	}
	for i, r := range batch {
		err := p.store.Ingest(ctx, accs[i:i+1])
		for try := 0; try < 3 && retryable(err); try++ {
			err = p.store.Ingest(ctx, accs[i:i+1])
		}
		p.finish([]*pending{r}, err)
	}
}

func (p *Pipeline) finish(batch []*pending, err error) {
	for _, r := range batch {
		p.bytes.Add(-int64(len(r.acc.Body)))
		if err == nil {
			p.Committed.Add(1)
		}
		r.done <- err
	}
}

func compareAccepted(a, b *detect.Accepted) int {
	if a.IntegrationID != b.IntegrationID {
		if a.IntegrationID < b.IntegrationID {
			return -1
		}
		return 1
	}
	ka, kb := "", ""
	if len(a.Events) > 0 {
		ka = a.Events[0].DedupKey
	}
	if len(b.Events) > 0 {
		kb = b.Events[0].DedupKey
	}
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	}
	return 0
}

// retryable reports whether a batch failed only because of another
// transaction at the same moment, so that the same writes go through when
// tried again: a deadlock or serialization failure on PostgreSQL
// (Unavailable), or two batches opening the same new alert or alert group
// at once (Conflict on the index that allows one open alert per key; the
// retry finds the one the other batch committed and updates it).
func retryable(err error) bool {
	return apperr.Is(err, apperr.CodeUnavailable) || apperr.Is(err, apperr.CodeConflict)
}
