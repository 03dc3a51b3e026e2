package paging

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

var t0 = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

func twoSteps(repeat int) Policy {
	return Policy{ID: 7, Name: "web", Repeat: repeat, Steps: []Step{
		{Targets: []Target{{Kind: TargetSchedule, ID: 1}}, DelayMinutes: 5},
		{Targets: []Target{{Kind: TargetUser, ID: 9}}, DelayMinutes: 10},
	}}
}

func TestPolicyValidate(t *testing.T) {
	user := []Target{{Kind: TargetUser, ID: 1}}
	cases := []struct {
		name  string
		p     Policy
		field string // "" when valid
	}{
		{"one step without delay is fine", Policy{Name: "a", Steps: []Step{{Targets: user}}}, ""},
		{"two steps with delays", twoSteps(2), ""},
		{"no name", Policy{Steps: []Step{{Targets: user}}}, "name"},
		{"no steps", Policy{Name: "a"}, "steps"},
		{"a step with no one", Policy{Name: "a", Steps: []Step{{DelayMinutes: 1}}}, "steps[0].targets"},
		{"an unknown kind", Policy{Name: "a", Steps: []Step{{Targets: []Target{{Kind: "robot", ID: 1}}}}}, "steps[0].targets[0].kind"},
		{"a target without id", Policy{Name: "a", Steps: []Step{{Targets: []Target{{Kind: TargetTeam}}}}}, "steps[0].targets[0].id"},
		{"a middle step without delay", Policy{Name: "a", Steps: []Step{{Targets: user}, {Targets: user}}}, "steps[0].delay_minutes"},
		{"a repeating policy's last step needs a delay", Policy{Name: "a", Repeat: 1, Steps: []Step{{Targets: user}}}, "steps[0].delay_minutes"},
		{"repeat out of range", Policy{Name: "a", Repeat: 10, Steps: []Step{{Targets: user}}}, "repeat"},
		{"a day and a minute", Policy{Name: "a", Steps: []Step{{Targets: user, DelayMinutes: 1441}}}, "steps[0].delay_minutes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.p.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("valid policy refused: %v", err)
				}
				return
			}
			e := apperr.As(err)
			if e == nil || e.Code != apperr.CodeInvalid || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
}

func TestPlanWalksEveryRound(t *testing.T) {
	got := twoSteps(1).Plan(t0)
	want := []struct {
		round, step int
		after       time.Duration
	}{{0, 0, 0}, {0, 1, 5 * time.Minute}, {1, 0, 15 * time.Minute}, {1, 1, 20 * time.Minute}}
	if len(got) != len(want) {
		t.Fatalf("plan has %d steps, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Round != w.round || got[i].Step != w.step || !got[i].At.Equal(t0.Add(w.after)) {
			t.Errorf("plan[%d] = %v at %v, want round %d step %d at +%v", i, got[i].Position, got[i].At, w.round, w.step, w.after)
		}
	}
}

// fireAll runs a page that no one acknowledges to the end, as the engine
// would: each due step job fires at its time.
func fireAll(t *testing.T, p *Page, due *Due) []Planned {
	var fired []Planned
	for due != nil {
		step, pos, next, ok := p.Fire(due.Seq, due.At)
		if !ok {
			t.Fatalf("due step %d at %v did not fire", due.Seq, due.At)
		}
		fired = append(fired, Planned{Position: pos, At: due.At, Targets: step.Targets})
		due = next
	}
	return fired
}

func TestUnacknowledgedPageFollowsThePlan(t *testing.T) {
	pol := twoSteps(2)
	p, evs, due := New(Page{Summary: "disk full"}, pol, t0, "")
	if p.Status != Triggered || due == nil || !due.At.Equal(t0) || evs[0].Kind != EvTriggered {
		t.Fatalf("new page: %+v %+v %+v", p, evs, due)
	}
	fired := fireAll(t, &p, due)
	plan := pol.Plan(t0)
	if len(fired) != len(plan) || len(fired) != 6 {
		t.Fatalf("fired %d steps, plan has %d (want 6: 2 steps × 3 rounds)", len(fired), len(plan))
	}
	for i := range plan {
		if fired[i].Position != plan[i].Position || !fired[i].At.Equal(plan[i].At) {
			t.Errorf("step %d fired %v at %v, plan says %v at %v", i, fired[i].Position, fired[i].At, plan[i].Position, plan[i].At)
		}
	}
	if p.NextAt != nil || p.Status != Triggered {
		t.Errorf("exhausted page: status %s next %v; want triggered with nothing due", p.Status, p.NextAt)
	}
}

func TestStepJobs(t *testing.T) {
	cases := []struct {
		name   string
		before func(p *Page) // what happens between scheduling step 2 and its job running
		fires  bool
	}{
		{"nothing: the step fires", func(p *Page) {}, true},
		{"acknowledged: escalates no further", func(p *Page) { p.Acknowledge(3, t0.Add(time.Minute)) }, false},
		{"resolved: nothing fires", func(p *Page) { p.Resolve(3, t0.Add(time.Minute), "") }, false},
		{"escalated by hand: the old job is stale", func(p *Page) { p.EscalateNow(3, t0.Add(time.Minute)) }, false},
		{"reassigned: the old job is stale", func(p *Page) { p.Reassign(3, Direct("x", Target{Kind: TargetUser, ID: 4}), t0.Add(time.Minute)) }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, _, due := New(Page{}, twoSteps(0), t0, "")
			_, _, second, _ := p.Fire(due.Seq, due.At)
			c.before(&p)
			_, pos, _, ok := p.Fire(second.Seq, second.At)
			if ok != c.fires {
				t.Fatalf("fired = %v, want %v", ok, c.fires)
			}
			if ok && pos != (Position{0, 1}) {
				t.Errorf("fired %v, want step 2", pos)
			}
		})
	}
}

func TestAJobRunTwiceFiresOnce(t *testing.T) {
	p, _, due := New(Page{}, twoSteps(0), t0, "")
	if _, _, _, ok := p.Fire(due.Seq, due.At); !ok {
		t.Fatal("first run did not fire")
	}
	if _, _, _, ok := p.Fire(due.Seq, due.At.Add(time.Second)); ok {
		t.Fatal("the same job fired twice")
	}
}

func TestMaintenanceSuppresses(t *testing.T) {
	p, evs, due := New(Page{}, twoSteps(0), t0, "maintenance window: database upgrade")
	if p.Status != Suppressed || due != nil || evs[0].Kind != EvSuppressed {
		t.Fatalf("got %s, due %v, %+v", p.Status, due, evs)
	}
	if _, err := p.Acknowledge(1, t0); !apperr.Is(err, apperr.CodeConflict) {
		t.Errorf("acknowledging a suppressed page: %v", err)
	}
}

func TestTransitions(t *testing.T) {
	p, _, due := New(Page{ID: 1}, twoSteps(0), t0, "")
	p.Fire(due.Seq, due.At)
	if _, err := p.Acknowledge(5, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if p.Status != Acknowledged || p.AckedBy != 5 || p.NextAt != nil {
		t.Fatalf("after ack: %+v", p)
	}
	if _, err := p.Acknowledge(6, t0.Add(2*time.Minute)); !apperr.Is(err, apperr.CodeConflict) {
		t.Errorf("second ack: %v", err)
	}
	// Escalating an acknowledged page re-triggers it at the step after
	// the one that fired.
	_, d, err := p.EscalateNow(6, t0.Add(3*time.Minute))
	if err != nil || p.Status != Triggered || p.Next != (Position{0, 1}) || d == nil {
		t.Fatalf("escalate: %v %+v", err, p)
	}
	_, pos, _, ok := p.Fire(d.Seq, d.At)
	if !ok || pos != (Position{0, 1}) {
		t.Fatalf("escalated step: %v %v", ok, pos)
	}
	// The policy is exhausted now; escalating again starts another round.
	if _, d, _ = p.EscalateNow(6, t0.Add(4*time.Minute)); p.Next != (Position{1, 0}) {
		t.Fatalf("escalating an exhausted page goes to %v", p.Next)
	}
	if _, _, _, ok := p.Fire(d.Seq, d.At); !ok {
		t.Fatal("extra round did not fire")
	}
	if _, err := p.Resolve(6, t0.Add(5*time.Minute), "fixed"); err != nil || p.Status != Resolved {
		t.Fatalf("resolve: %v", err)
	}
	for name, f := range map[string]func() error{
		"ack":      func() error { _, err := p.Acknowledge(1, t0); return err },
		"resolve":  func() error { _, err := p.Resolve(1, t0, ""); return err },
		"escalate": func() error { _, _, err := p.EscalateNow(1, t0); return err },
		"reassign": func() error { _, _, err := p.Reassign(1, Direct("x", Target{Kind: TargetUser, ID: 1}), t0); return err },
	} {
		if err := f(); !apperr.Is(err, apperr.CodeConflict) {
			t.Errorf("%s of a resolved page: %v", name, err)
		}
	}
}
