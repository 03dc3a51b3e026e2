package incident

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

var (
	t0        = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	responder = access.Actor{UserID: 1, Name: "Rita Responder", Level: access.Responder}
	manager   = access.Actor{UserID: 2, Name: "Max Manager", Level: access.Responder}
	other     = access.Actor{UserID: 3, Name: "Olga Other", Level: access.Responder}
	admin     = access.Actor{UserID: 9, Name: "Ada Admin", Level: access.Admin}
	viewer    = access.Actor{UserID: 5, Name: "Vic Viewer", Level: access.Viewer}
)

func person(a access.Actor) Person { return Person{ID: a.UserID, Name: a.Name, Level: a.Level} }

func declared(t *testing.T, stage Stage) *Incident {
	t.Helper()
	inc, _, err := Declare(responder, DeclareInput{Title: "Analytics unavailable in US", Stage: Fix}, DefaultScale, t0)
	if err != nil {
		t.Fatal(err)
	}
	inc.Number = 169
	inc.Roles.IncidentManager = manager.UserID
	inc.Stage = stage
	return inc
}

// TestEveryStageTransition walks the whole table: each pair of stages is
// either allowed by the process or refused with a message naming what is
// allowed next.
func TestEveryStageTransition(t *testing.T) {
	allowed := map[[2]Stage]bool{
		{Detect, Fix}: true, {Detect, Dismissed}: true,
		{Fix, Resolved}: true,
		{Resolved, Fix}: true, {Resolved, Improve}: true,
		{Improve, Closed}: true,
	}
	for _, from := range Stages {
		for _, to := range Stages {
			name := fmt.Sprintf("%s→%s", from, to)
			t.Run(name, func(t *testing.T) {
				inc := declared(t, from)
				events, err := inc.ChangeStage(responder, to, "not an incident: test alert", nil, t0.Add(time.Minute))
				if allowed[[2]Stage{from, to}] {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if inc.Stage != to || len(events) != 1 || events[0].Kind != EventStageChanged ||
						events[0].Before["stage"] != string(from) || events[0].After["stage"] != string(to) {
						t.Fatalf("stage %s, events %+v", inc.Stage, events)
					}
					return
				}
				if apperr.CodeOf(err) != apperr.CodeInvalid {
					t.Fatalf("want a refusal, got %v", err)
				}
				if inc.Stage != from {
					t.Fatalf("refused transition changed the stage to %s", inc.Stage)
				}
				msg := err.Error()
				next := from.Next()
				if len(next) == 0 && !strings.Contains(msg, "cannot change stage any more") {
					t.Fatalf("message %q does not say the stage is final", msg)
				}
				for _, n := range next {
					if !strings.Contains(msg, n.Label()) {
						t.Fatalf("message %q does not name the allowed next stage %s", msg, n.Label())
					}
				}
			})
		}
	}
}

func TestStageRules(t *testing.T) {
	t.Run("dismissing needs a reason", func(t *testing.T) {
		inc := declared(t, Detect)
		_, err := inc.ChangeStage(responder, Dismissed, "  ", nil, t0)
		if apperr.CodeOf(err) != apperr.CodeInvalid || inc.Stage != Detect {
			t.Fatalf("got %v, stage %s", err, inc.Stage)
		}
		if _, err := inc.ChangeStage(responder, Dismissed, "known flaky probe", nil, t0); err != nil {
			t.Fatal(err)
		}
		if inc.DismissReason != "known flaky probe" || inc.Times.Dismissed == nil {
			t.Fatalf("dismissal not kept: %+v", inc)
		}
	})
	t.Run("a viewer cannot change the stage", func(t *testing.T) {
		inc := declared(t, Fix)
		if _, err := inc.ChangeStage(viewer, Resolved, "", nil, t0); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the close gate refuses closing", func(t *testing.T) {
		inc := declared(t, Improve)
		gate := apperr.Invalid("stage", "publish the postmortem first")
		_, err := inc.ChangeStage(responder, Closed, "", gate, t0)
		if !errors.Is(err, gate) || inc.Stage != Improve {
			t.Fatalf("got %v, stage %s", err, inc.Stage)
		}
	})
	t.Run("reopen is recorded and keeps the first resolve time", func(t *testing.T) {
		inc := declared(t, Fix)
		if _, err := inc.ChangeStage(responder, Resolved, "", nil, t0); err != nil {
			t.Fatal(err)
		}
		events, err := inc.ChangeStage(responder, Fix, "errors are back", nil, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if events[0].After["reopened"] != true || events[0].Note != "errors are back" || !inc.Times.Resolved.Equal(t0) {
			t.Fatalf("reopen event %+v, resolved %v", events[0], inc.Times.Resolved)
		}
	})
	t.Run("declaring from detect stamps declared and fixing", func(t *testing.T) {
		inc := declared(t, Detect)
		inc.Times.Declared, inc.Times.Fixing = nil, nil
		if _, err := inc.ChangeStage(responder, Fix, "", nil, t0.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if inc.Times.Declared == nil || !inc.Times.Fixing.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("times %+v", inc.Times)
		}
	})
	t.Run("closed and dismissed incidents no longer change", func(t *testing.T) {
		for _, st := range []Stage{Closed, Dismissed} {
			inc := declared(t, st)
			title := "new"
			if _, err := inc.Update(responder, Patch{Title: &title}, DefaultScale, t0); apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Errorf("%s: update allowed: %v", st, err)
			}
			if _, err := inc.AssignRole(admin, DomainExpert, person(other), t0); apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Errorf("%s: role allowed: %v", st, err)
			}
		}
	})
}

// TestAppointments lists who may give which role to whom, as the process says.
func TestAppointments(t *testing.T) {
	cases := []struct {
		name   string
		im     int64 // current Incident Manager (0 = vacant)
		actor  access.Actor
		role   Role
		target access.Actor
		want   apperr.Code // "" = allowed
	}{
		{"a responder takes the vacant IM role", 0, responder, IncidentManager, responder, ""},
		{"a responder cannot make someone else IM while vacant", 0, responder, IncidentManager, other, apperr.CodeForbidden},
		{"an admin appoints an IM while vacant", 0, admin, IncidentManager, other, ""},
		{"a viewer cannot take the vacant IM role", 0, viewer, IncidentManager, viewer, apperr.CodeForbidden},
		{"the IM hands over the IM role", manager.UserID, manager, IncidentManager, other, ""},
		{"an admin hands over the IM role", manager.UserID, admin, IncidentManager, other, ""},
		{"a responder cannot take an occupied IM role", manager.UserID, responder, IncidentManager, responder, apperr.CodeForbidden},
		{"the IM appoints a Domain Expert", manager.UserID, manager, DomainExpert, other, ""},
		{"an admin appoints a Domain Expert", manager.UserID, admin, DomainExpert, other, ""},
		{"a responder may not appoint a Domain Expert", manager.UserID, responder, DomainExpert, other, apperr.CodeForbidden},
		{"a responder may not appoint themselves Domain Expert", manager.UserID, other, DomainExpert, other, apperr.CodeForbidden},
		{"the IM appoints the Communications Manager", manager.UserID, manager, CommunicationsManager, other, ""},
		{"a responder may not appoint the Communications Manager", manager.UserID, responder, CommunicationsManager, other, apperr.CodeForbidden},
		{"without an IM only an admin appoints a Domain Expert", 0, responder, DomainExpert, other, apperr.CodeForbidden},
		{"the IM replaces the First Responder", manager.UserID, manager, FirstResponder, other, ""},
		{"a viewer cannot hold a role", manager.UserID, manager, DomainExpert, viewer, apperr.CodeInvalid},
		{"an unknown role is refused", manager.UserID, manager, Role("scribe"), other, apperr.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc := declared(t, Fix)
			inc.Roles.IncidentManager = c.im
			inc.Involved = []int64{responder.UserID}
			events, err := inc.AssignRole(c.actor, c.role, person(c.target), t0)
			if c.want != "" {
				if apperr.CodeOf(err) != c.want {
					t.Fatalf("want %s, got %v", c.want, err)
				}
				if len(events) != 0 {
					t.Fatalf("refused appointment produced events")
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			holders := inc.Roles.Holders()
			found := false
			for _, h := range holders {
				found = found || h == c.target.UserID
			}
			if !found {
				t.Fatalf("%s does not hold a role: %+v", c.target.Name, inc.Roles)
			}
			if len(events) != 1 || events[0].Kind != EventRoleAssigned || events[0].After["role"] != string(c.role) {
				t.Fatalf("events %+v", events)
			}
			for _, id := range []int64{c.actor.UserID, c.target.UserID} {
				in := false
				for _, p := range inc.Involved {
					in = in || p == id
				}
				if !in {
					t.Fatalf("user %d not in involved people %v", id, inc.Involved)
				}
			}
		})
	}
}

func TestRemovals(t *testing.T) {
	setup := func(t *testing.T) *Incident {
		inc := declared(t, Fix)
		inc.Roles.DomainExperts = []int64{other.UserID}
		inc.Roles.CommunicationsManager = other.UserID
		return inc
	}
	t.Run("the IM removes a Domain Expert", func(t *testing.T) {
		inc := setup(t)
		if _, err := inc.UnassignRole(manager, DomainExpert, other.UserID, t0); err != nil || len(inc.Roles.DomainExperts) != 0 {
			t.Fatalf("%v %+v", err, inc.Roles)
		}
	})
	t.Run("a responder may not remove a Domain Expert", func(t *testing.T) {
		inc := setup(t)
		if _, err := inc.UnassignRole(responder, DomainExpert, other.UserID, t0); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a holder steps down from their own role", func(t *testing.T) {
		inc := setup(t)
		if _, err := inc.UnassignRole(other, CommunicationsManager, other.UserID, t0); err != nil || inc.Roles.CommunicationsManager != 0 {
			t.Fatalf("%v %+v", err, inc.Roles)
		}
	})
	t.Run("the IM steps down and leaves the role vacant", func(t *testing.T) {
		inc := setup(t)
		if _, err := inc.UnassignRole(manager, IncidentManager, manager.UserID, t0); err != nil || inc.Roles.IncidentManager != 0 {
			t.Fatalf("%v %+v", err, inc.Roles)
		}
	})
	t.Run("an admin removes the IM", func(t *testing.T) {
		inc := setup(t)
		if _, err := inc.UnassignRole(admin, IncidentManager, manager.UserID, t0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("removing someone who does not hold the role is refused", func(t *testing.T) {
		inc := setup(t)
		if _, err := inc.UnassignRole(manager, DomainExpert, responder.UserID, t0); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Fatalf("got %v", err)
		}
	})
}

func TestDeclareAndUpdate(t *testing.T) {
	t.Run("declarer is First Responder and, when asked, Incident Manager", func(t *testing.T) {
		inc, events, err := Declare(responder, DeclareInput{Title: "x", Severity: "sev1", TakeManager: true}, DefaultScale, t0)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Roles.FirstResponder != 1 || inc.Roles.IncidentManager != 1 || inc.Severity != "SEV1" || inc.Stage != Fix ||
			inc.Times.Declared == nil || len(events) != 1 || events[0].Kind != EventDeclared {
			t.Fatalf("%+v %+v", inc, events)
		}
	})
	refusals := []struct {
		name  string
		in    DeclareInput
		field string
	}{
		{"title required", DeclareInput{Title: "  "}, "title"},
		{"unknown severity", DeclareInput{Title: "x", Severity: "SEV9"}, "severity"},
		{"bad first stage", DeclareInput{Title: "x", Stage: Resolved}, "stage"},
		{"conference link must be http", DeclareInput{Title: "x", ConferenceURL: "javascript:alert(1)"}, "conference_url"},
		{"negative count", DeclareInput{Title: "x", BlastRadius: BlastRadius{Counts: []Count{{Kind: "tickets", Count: -1}}}}, "blast_radius.counts[0].count"},
		{"detected in the future", DeclareInput{Title: "x", DetectedAt: ptr(t0.Add(time.Hour))}, "detected_at"},
		{"title too long", DeclareInput{Title: strings.Repeat("x", 201)}, "title"},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Declare(responder, c.in, DefaultScale, t0)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.Field != c.field {
				t.Fatalf("want invalid %s, got %v", c.field, err)
			}
		})
	}
	t.Run("a viewer cannot declare", func(t *testing.T) {
		if _, _, err := Declare(viewer, DeclareInput{Title: "x"}, DefaultScale, t0); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("update records only what changed, and nothing when nothing did", func(t *testing.T) {
		inc := declared(t, Fix)
		same, sev := inc.Title, "SEV1"
		events, err := inc.Update(other, Patch{Title: &same, Severity: &sev}, DefaultScale, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || len(events[0].After) != 1 || events[0].After["severity"] != "SEV1" || events[0].Before["severity"] != "SEV3" {
			t.Fatalf("events %+v", events)
		}
		if events, _ := inc.Update(other, Patch{Title: &same}, DefaultScale, t0); len(events) != 0 {
			t.Fatalf("no-op update recorded %+v", events)
		}
	})
	t.Run("a failed update leaves the incident untouched", func(t *testing.T) {
		inc := declared(t, Fix)
		title, sev := "changed", "nope"
		if _, err := inc.Update(other, Patch{Title: &title, Severity: &sev}, DefaultScale, t0); err == nil {
			t.Fatal("accepted")
		}
		if inc.Title == "changed" {
			t.Fatal("half of a refused patch was applied")
		}
	})
}

func TestKeyMoments(t *testing.T) {
	inc := declared(t, Fix)
	a, _ := inc.AddNote(other, "deploy 42 rolled back", false, t0)
	b, _ := inc.AddNote(other, "error rate back to normal", true, t0)
	a[0].Seq, b[0].Seq = 2, 3
	mark, err := inc.MarkKeyMoment(manager, a[0], t0)
	if err != nil {
		t.Fatal(err)
	}
	got := KeyMoments([]Event{a[0], b[0], mark[0]})
	if len(got) != 2 || got[0].Seq != 2 || got[1].Seq != 3 {
		t.Fatalf("key moments %+v", got)
	}
	if _, err := inc.AddNote(other, " ", false, t0); apperr.CodeOf(err) != apperr.CodeInvalid {
		t.Fatalf("empty note: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
