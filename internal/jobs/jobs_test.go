package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type pingJob struct {
	N int `json:"n"`
}

func (pingJob) Kind() string { return "test_ping" }

// TestJobsRunOnlyAfterCommit proves the outbox on both databases: a job
// inserted in a rolled-back transaction never runs, one in a committed
// transaction runs, and a failing job is retried.
func TestJobsRunOnlyAfterCommit(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := ""
			if d == store.Postgres {
				url = pgtest.NewDatabase(t)
			}
			st, err := store.Open(ctx, url, filepath.Join(t.TempDir(), "f.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			reg := jobs.NewRegistry()
			ran := make(chan int, 10)
			var attempts atomic.Int32
			jobs.Handle(reg, func(ctx context.Context, j pingJob, attempt int) error {
				if j.N == 2 && attempts.Add(1) == 1 {
					return errors.New("first attempt fails")
				}
				ran <- j.N
				return nil
			})
			q, err := jobs.Open(st.DB(), d == store.Postgres, reg, jobs.Options{PollInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			rollback := errors.New("rollback")
			err = st.InTx(ctx, func(tx *store.Tx) error {
				if err := q.EnqueueTx(ctx, tx.SQL(), pingJob{N: 1}); err != nil {
					return err
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error { return q.EnqueueTx(ctx, tx.SQL(), pingJob{N: 2}) }); err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer q.Stop(ctx)
			select {
			case n := <-ran:
				if n != 2 {
					t.Fatalf("ran job %d; the rolled-back job must never run", n)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("committed job did not run")
			}
			if attempts.Load() < 2 {
				t.Fatalf("job ran after %d attempts; the failed attempt was not retried", attempts.Load())
			}
		})
	}
}

type flakyJob struct{}

func (flakyJob) Kind() string                         { return "test_flaky" }
func (flakyJob) RetryAfter(attempt int) time.Duration { return 10 * time.Millisecond }

// A Backoff job is retried after its own delay, not River's attempt⁴ seconds.
func TestBackoffJobRetriesSoon(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", filepath.Join(t.TempDir(), "f.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := jobs.NewRegistry()
	var attempts atomic.Int32
	done := make(chan time.Duration, 1)
	start := time.Now()
	jobs.Handle(reg, func(ctx context.Context, j flakyJob, attempt int) error {
		if attempts.Add(1) < 3 {
			return errors.New("provider blip")
		}
		done <- time.Since(start)
		return nil
	})
	q, err := jobs.Open(st.DB(), false, reg, jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { return q.EnqueueTx(ctx, tx.SQL(), flakyJob{}) }); err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	select {
	case d := <-done:
		// River's default would have waited 1 s + 16 s before the third attempt.
		if d > 10*time.Second {
			t.Fatalf("third attempt after %v", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("not retried soon: %d attempts", attempts.Load())
	}
}
