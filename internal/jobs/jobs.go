// Package jobs is Firebreak's durable job queue: side effects (webhooks,
// pages, notifications, reminders) are inserted in the same transaction as
// the change that causes them, and run after it commits, with retries.
// River does the work; this package keeps it behind a small interface so the
// capabilities never import River's API beyond their job argument types.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Job is the argument of a job: plain data whose Kind names its worker.
type Job = interface{ Kind() string }

// Registry collects the workers before the queue starts.
type Registry struct{ workers *river.Workers }

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{workers: river.NewWorkers()} }

// Handle registers work as the worker of jobs of type T. work must be
// idempotent: it may run more than once for the same job, and it re-reads
// state rather than trusting what the job carried.
func Handle[T Job](r *Registry, work func(ctx context.Context, job T, attempt int) error) {
	river.AddWorker(r.workers, &worker[T]{work: work})
}

// Backoff is a job that chooses how long to wait before retrying after its
// attempt-th failure. Others get River's attempt⁴ seconds (1 s, 16 s,
// 81 s, …), too slow for a page's SMS when a provider blips.
type Backoff interface {
	RetryAfter(attempt int) time.Duration
}

type worker[T Job] struct {
	river.WorkerDefaults[T]
	work func(ctx context.Context, job T, attempt int) error
}

func (w *worker[T]) Work(ctx context.Context, j *river.Job[T]) error {
	return w.work(ctx, j.Args, j.Attempt)
}

// NextRetry asks a Backoff job; the zero time keeps River's policy.
func (w *worker[T]) NextRetry(j *river.Job[T]) time.Time {
	if b, ok := any(j.Args).(Backoff); ok {
		return time.Now().Add(b.RetryAfter(j.Attempt))
	}
	return time.Time{}
}

// Queue inserts and runs jobs.
type Queue struct {
	client *river.Client[*sql.Tx]
	driver riverdriver.Driver[*sql.Tx]
	db     *sql.DB
	log    *slog.Logger
	urgent map[string]bool // kinds that go to the urgent queue
}

// Options tune the queue.
type Options struct {
	Workers      int           // concurrent jobs; default 10
	PollInterval time.Duration // how often idle workers look for jobs; default 1s (SQLite and database/sql have no listener here)
	Log          *slog.Logger

	// UrgentKinds are job kinds someone is waiting for (a page, its
	// notifications): they run from their own queue, polled every
	// UrgentPoll (default 50ms), so a quiet default queue can poll slowly
	// without delaying them.
	UrgentKinds []string
	UrgentPoll  time.Duration
}

// urgentQueue is the queue of Options.UrgentKinds.
const urgentQueue = "urgent"

// Open builds the queue on db (the store's writer pool). postgres selects the
// PostgreSQL driver; otherwise SQLite.
func Open(db *sql.DB, postgres bool, r *Registry, opts Options) (*Queue, error) {
	if opts.Workers == 0 {
		opts.Workers = 10
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	var driver riverdriver.Driver[*sql.Tx]
	if postgres {
		driver = riverdatabasesql.New(db)
	} else {
		driver = riversqlite.New(db)
	}
	cfg := &river.Config{
		Logger:            opts.Log.With("component", "jobs"),
		FetchPollInterval: opts.PollInterval,
		FetchCooldown:     min(100*time.Millisecond, opts.PollInterval),
		MaxAttempts:       25,
		JobTimeout:        time.Minute,
		PollOnly:          true,
	}
	if r != nil {
		cfg.Workers = r.workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
		if len(opts.UrgentKinds) > 0 {
			poll := cmp.Or(opts.UrgentPoll, 50*time.Millisecond)
			// More workers than the default queue: these jobs mostly wait
			// on the database, and a storm of new alerts needs many at once.
			cfg.Queues[urgentQueue] = river.QueueConfig{MaxWorkers: 2 * opts.Workers, FetchPollInterval: min(poll, opts.PollInterval),
				FetchCooldown: min(poll, opts.PollInterval) / 2}
		}
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	urgent := make(map[string]bool, len(opts.UrgentKinds))
	for _, k := range opts.UrgentKinds {
		urgent[k] = true
	}
	return &Queue{client: client, driver: driver, db: db, log: opts.Log, urgent: urgent}, nil
}

// Migrate creates or upgrades the queue's tables.
func (q *Queue) Migrate(ctx context.Context) error {
	m, err := rivermigrate.New(q.driver, &rivermigrate.Config{Logger: q.log.With("component", "jobs-migrate")})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

// Start runs the workers until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop waits for running jobs to finish (or ctx to end, then cancels them).
func (q *Queue) Stop(ctx context.Context) error {
	if err := q.client.Stop(ctx); err != nil {
		return q.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return nil
}

// Scheduled is a job that must not run before a time (a reminder, a
// maintenance window's edge); EnqueueTx holds it until then.
type Scheduled interface{ RunAt() time.Time }

// EnqueueTx inserts job inside tx: it runs only if tx commits (and, for a
// Scheduled job, not before its time).
func (q *Queue) EnqueueTx(ctx context.Context, tx *sql.Tx, job Job) error {
	var opts *river.InsertOpts
	// A job due now or in the past is inserted available: River puts any
	// job with a ScheduledAt in the scheduled state, which only its
	// scheduler (every 5 s) makes available, so a "due now" page or
	// notification would wait up to 5 s for nothing.
	if s, ok := job.(Scheduled); ok && s.RunAt().After(time.Now()) {
		opts = &river.InsertOpts{ScheduledAt: s.RunAt()}
	}
	if q.urgent[job.Kind()] {
		if opts == nil {
			opts = &river.InsertOpts{}
		}
		opts.Queue = urgentQueue
	}
	_, err := q.client.InsertTx(ctx, tx, job, opts)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", job.Kind(), err)
	}
	return nil
}

// Depth counts jobs not yet completed (available, scheduled, retrying or running).
func (q *Queue) Depth(ctx context.Context) (int64, error) {
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable', 'running', 'pending')`).Scan(&n)
	return n, err
}

// Snooze is returned by a worker that must wait (a provider's rate limit
// with Retry-After): the job runs again after d without using up one of its
// attempts, so waiting never turns into failure or a hot loop.
func Snooze(d time.Duration) error { return river.JobSnooze(d) }
