package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// recordingQueue stands in for the job queue: it records jobs inserted in a
// transaction, and only those whose transaction committed are kept by the database.
type recordingQueue struct {
	mu   sync.Mutex
	jobs []store.Job
	fail error
}

func (q *recordingQueue) EnqueueTx(ctx context.Context, tx *sql.Tx, job store.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return q.fail
	}
	q.jobs = append(q.jobs, job)
	return nil
}

type everyone struct{}

func (everyone) Person(_ context.Context, id int64) (incident.Person, error) {
	return incident.Person{ID: id, Name: "user", Level: access.Responder}, nil
}

type allServices struct{}

func (allServices) ServiceExists(_ context.Context, name string) (bool, error) {
	return name != "nope", nil
}

// fixedClock ticks one second per reading, so timestamps are predictable.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newIncidentService(s *store.Store, q store.Enqueuer) *incident.Service {
	clock := &fixedClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	return incident.NewService(s.Incidents(q), everyone{}, allServices{}, incident.DefaultScale, clock.now, nil)
}

var alice = access.Actor{UserID: 1, Name: "Alice", Level: access.Responder, Source: "test"}

func TestIncidentLifecycleIsStored(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), alice)
		q := &recordingQueue{}
		svc := newIncidentService(s, q)

		inc, err := svc.Declare(ctx, incident.DeclareInput{
			Title: "Checkout fails", Severity: "sev2", Services: []string{"checkout", "payments"},
			Labels:      map[string]string{"region": "us"},
			BlastRadius: incident.BlastRadius{Text: "US customers", Counts: []incident.Count{{Kind: "support_tickets", Count: 12}}},
			TakeManager: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		if inc.Number != 1 || inc.Ref() != "INC-1" || inc.Severity != "SEV2" || inc.Version != 1 {
			t.Fatalf("declared %+v", inc)
		}
		if _, err := svc.ChangeStage(ctx, 1, 1, incident.Resolved, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddNote(ctx, 1, "rolled back deploy 42", true); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Get(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Stage != incident.Resolved || got.Version != 3 || got.Roles.IncidentManager != 1 ||
			got.BlastRadius.Counts[0].Count != 12 || got.Labels["region"] != "us" || got.Times.Resolved == nil {
			t.Fatalf("read back %+v", got)
		}
		events, err := svc.Timeline(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		kinds := []incident.EventKind{}
		for i, e := range events {
			kinds = append(kinds, e.Kind)
			if e.Seq != int64(i+1) || e.ActorID != 1 || e.At.IsZero() {
				t.Errorf("event %d: %+v", i, e)
			}
		}
		want := []incident.EventKind{incident.EventDeclared, incident.EventStageChanged, incident.EventNote}
		if len(kinds) != len(want) || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
			t.Fatalf("timeline kinds %v, want %v", kinds, want)
		}
		if events[1].Before["stage"] != "fix" || events[1].After["stage"] != "resolved" {
			t.Errorf("stage event before/after: %v %v", events[1].Before, events[1].After)
		}
		if !events[2].KeyMoment || events[2].Note != "rolled back deploy 42" {
			t.Errorf("note: %+v", events[2])
		}
		if len(q.jobs) != 3 {
			t.Errorf("enqueued %d jobs, want one per event", len(q.jobs))
		}
		log, err := s.AuditLog(context.Background(), 0, 10)
		if err != nil || len(log) != 3 || log[0].Action != "incident.note" || log[0].Target != "INC-1" {
			t.Errorf("audit log %+v %v", log, err)
		}
	})
}

func TestStaleVersionIsRefusedWithCurrentState(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), alice)
		svc := newIncidentService(s, nil)
		if _, err := svc.Declare(ctx, incident.DeclareInput{Title: "Slow search"}); err != nil {
			t.Fatal(err)
		}
		title := "Search is slow in EU"
		if _, err := svc.Update(ctx, 1, 1, incident.Patch{Title: &title}); err != nil {
			t.Fatal(err)
		}
		sev := "SEV1"
		_, err := svc.Update(ctx, 1, 1, incident.Patch{Severity: &sev})
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeStale {
			t.Fatalf("stale write: %v", err)
		}
		if cur, ok := e.Current.(*incident.Incident); !ok || cur.Version != 2 || cur.Title != title {
			t.Fatalf("stale error carries %+v", e.Current)
		}
		got, _ := svc.Get(ctx, 1)
		if got.Severity == "SEV1" {
			t.Fatal("stale write was applied")
		}
	})
}

func TestFailedSideEffectRollsBackTheChange(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), alice)
		q := &recordingQueue{}
		svc := newIncidentService(s, q)
		if _, err := svc.Declare(ctx, incident.DeclareInput{Title: "Queue down"}); err != nil {
			t.Fatal(err)
		}
		q.fail = errors.New("queue unavailable")
		if _, err := svc.ChangeStage(ctx, 1, 0, incident.Resolved, ""); err == nil {
			t.Fatal("change succeeded although its job could not be enqueued")
		}
		got, _ := svc.Get(ctx, 1)
		events, _ := svc.Timeline(ctx, 1)
		if got.Stage != incident.Fix || got.Version != 1 || len(events) != 1 {
			t.Fatalf("partial write: stage %s version %d events %d", got.Stage, got.Version, len(events))
		}
		// A failed declare does not use up a number for good either: the next
		// declare after it still gets the next number in sequence.
		if _, err := svc.Declare(ctx, incident.DeclareInput{Title: "Lost"}); err == nil {
			t.Fatal("declare succeeded without its job")
		}
		q.fail = nil
		inc, err := svc.Declare(ctx, incident.DeclareInput{Title: "Second"})
		if err != nil || inc.Number != 2 {
			t.Fatalf("next declare: %+v %v", inc, err)
		}
	})
}

func TestListFiltersAndPages(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), alice)
		svc := newIncidentService(s, nil)
		for i, in := range []incident.DeclareInput{
			{Title: "API errors", Severity: "SEV1", Services: []string{"api"}},
			{Title: "Slow dashboard", Severity: "SEV3", Services: []string{"web"}},
			{Title: "Login failing", Severity: "SEV2", Services: []string{"api", "auth"}, Stage: incident.Detect},
			{Title: "Emails delayed", Severity: "SEV3"},
		} {
			if _, err := svc.Declare(ctx, in); err != nil {
				t.Fatalf("declare %d: %v", i, err)
			}
		}
		if _, err := svc.ChangeStage(ctx, 4, 0, incident.Resolved, ""); err != nil {
			t.Fatal(err)
		}
		numbers := func(f incident.Filter) []int64 {
			t.Helper()
			page, err := svc.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ns []int64
			for _, inc := range page.Incidents {
				ns = append(ns, inc.Number)
			}
			return ns
		}
		cases := []struct {
			name string
			f    incident.Filter
			want []int64
		}{
			{"all newest first", incident.Filter{}, []int64{4, 3, 2, 1}},
			{"by service", incident.Filter{Service: "api"}, []int64{3, 1}},
			{"by severity", incident.Filter{Severities: []string{"sev3"}}, []int64{4, 2}},
			{"by stage", incident.Filter{Stages: []incident.Stage{incident.Detect}}, []int64{3}},
			{"open only", incident.Filter{Open: true}, []int64{3, 2, 1}},
			{"text", incident.Filter{Query: "LOGIN"}, []int64{3}},
		}
		for _, c := range cases {
			if got := numbers(c.f); !equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		first, err := svc.List(ctx, incident.Filter{Limit: 3})
		if err != nil || len(first.Incidents) != 3 || first.Next == "" {
			t.Fatalf("first page %+v %v", first, err)
		}
		second, err := svc.List(ctx, incident.Filter{Limit: 3, Cursor: first.Next})
		if err != nil || len(second.Incidents) != 1 || second.Incidents[0].Number != 1 || second.Next != "" {
			t.Fatalf("second page %+v %v", second, err)
		}
	})
}

func TestConcurrentDeclaresGetDistinctNumbers(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), alice)
		svc := newIncidentService(s, nil)
		var wg sync.WaitGroup
		nums := make(chan int64, 20)
		for range 20 {
			wg.Go(func() {
				inc, err := svc.Declare(ctx, incident.DeclareInput{Title: "storm"})
				if err != nil {
					t.Error(err)
					return
				}
				nums <- inc.Number
			})
		}
		wg.Wait()
		close(nums)
		seen := map[int64]bool{}
		for n := range nums {
			if seen[n] {
				t.Fatalf("number %d given twice", n)
			}
			seen[n] = true
		}
		if len(seen) != 20 {
			t.Fatalf("%d incidents declared", len(seen))
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// followedJob is what the test follower asks for.
type followedJob struct {
	Number int64
	Event  incident.EventKind
}

func (followedJob) Kind() string { return "followed" }

func TestFollowersEnqueueInTheChangesTransaction(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), alice)
		q := &recordingQueue{}
		svc := newIncidentService(s, q)
		svc.Follow(func(inc *incident.Incident, e incident.Event) []incident.Job {
			if e.Kind == incident.EventNote {
				return nil
			}
			return []incident.Job{followedJob{Number: inc.Number, Event: e.Kind}}
		})
		if _, err := svc.Declare(ctx, incident.DeclareInput{Title: "Queue stuck", Severity: "SEV3", TakeManager: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddNote(ctx, 1, "looking", false); err != nil {
			t.Fatal(err)
		}
		// A refused change enqueues nothing: the follower never sees it.
		if _, err := svc.ChangeStage(ctx, 1, 0, incident.Closed, ""); err == nil {
			t.Fatal("Detect → Closed was allowed")
		}
		var followed []followedJob
		for _, j := range q.jobs {
			if f, ok := j.(followedJob); ok {
				followed = append(followed, f)
			}
		}
		// declared + the IM's role_assigned, if the core records one, but never the note.
		if len(followed) == 0 || followed[0] != (followedJob{Number: 1, Event: incident.EventDeclared}) {
			t.Fatalf("followed jobs %+v", followed)
		}
		for _, f := range followed {
			if f.Event == incident.EventNote {
				t.Fatalf("the follower's nil for a note enqueued a job: %+v", followed)
			}
		}
	})
}
