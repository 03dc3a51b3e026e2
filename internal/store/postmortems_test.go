package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// pmPeople resolves users through the auth service, as the app does.
type pmPeople struct{ users *auth.Service }

func (p pmPeople) Person(ctx context.Context, id int64) (postmortem.Person, error) {
	u, err := p.users.GetUser(access.With(ctx, access.System), id)
	if err != nil {
		return postmortem.Person{}, err
	}
	return postmortem.Person{ID: u.ID, Handle: u.Handle, Name: u.Name, Email: u.Email}, nil
}

func (p pmPeople) incidentPerson(ctx context.Context, id int64) (incident.Person, error) {
	u, err := p.users.GetUser(access.With(ctx, access.System), id)
	return incident.Person{ID: u.ID, Name: u.Name, Level: u.Level}, err
}

type pmIncidentPeople struct{ p pmPeople }

func (p pmIncidentPeople) Person(ctx context.Context, id int64) (incident.Person, error) {
	return p.p.incidentPerson(ctx, id)
}

func hasJob[T any](q *recordingQueue) []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []T
	for _, j := range q.jobs {
		if v, ok := j.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// TestPostmortemLifecycleIsStored runs the Improve stage through the
// service on both stores: draft on Improve, edits with versions and 412s,
// the meeting, forms, action items, the review, publish, the close gate,
// templates, waivers and the SLO facts.
func TestPostmortemLifecycleIsStored(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s)
		mk := func(handle, name, level string) (auth.User, context.Context) {
			u, err := users.CreateUser(actx, auth.UserInput{Handle: handle, Name: name, Email: handle + "@example.com", Level: level})
			must(t, err)
			return u, ctxFor(t, users, u)
		}
		ann, annCtx := mk("ann", "Ann Lee", "responder")
		bob, bobCtx := mk("bob", "Bob Stone", "responder")
		rev, revCtx := mk("rev", "Rita Review", "responder")
		_, vicCtx := mk("vic", "Vic Viewer", "viewer")

		q := &recordingQueue{}
		people := pmPeople{users}
		incs := incident.NewService(s.Incidents(q), pmIncidentPeople{people}, allServices{}, incident.DefaultScale, clk.Now, nil)
		pms := postmortem.NewService(s.Postmortems(q), incs, people, postmortem.Policy{}, clk.Now)
		incs.Follow(postmortem.Follower)

		inc, err := incs.Declare(annCtx, incident.DeclareInput{Title: "Checkout fails for EU customers", Severity: "SEV2", TakeManager: true,
			BlastRadius: incident.BlastRadius{Text: "EU checkout", Counts: []incident.Count{{Kind: "support_tickets", Count: 12}}}})
		must(t, err)
		_, err = incs.AddNote(bobCtx, inc.Number, "Rolled back the payment gateway config", true)
		must(t, err)
		inc, err = incs.ChangeStage(annCtx, inc.Number, 0, incident.Resolved, "")
		must(t, err)
		clk.Advance(time.Hour)
		inc, err = incs.ChangeStage(annCtx, inc.Number, 0, incident.Improve, "")
		must(t, err)
		if jobs := hasJob[postmortem.CreateJob](q); len(jobs) != 1 || jobs[0].Number != inc.Number {
			t.Fatalf("the move to Improve enqueued %v", jobs)
		}

		// The gate refuses before anything is drafted.
		incs2 := incident.NewService(s.Incidents(q), pmIncidentPeople{people}, allServices{}, incident.DefaultScale, clk.Now, pms.ClosePolicy)
		_, err = incs2.ChangeStage(annCtx, inc.Number, 0, incident.Closed, "")
		wantCode(t, err, apperr.CodeConflict)

		must(t, pms.Create(context.Background(), inc.Number))
		must(t, pms.Create(context.Background(), inc.Number)) // idempotent
		doc, err := pms.Get(vicCtx, inc.Number)
		must(t, err)
		for _, want := range []string{"| Incident | " + inc.Ref(), "| Incident Manager | Ann Lee |", "Ann Lee, Bob Stone", "12 support tickets", "| Severity | SEV2 |",
			"Rolled back the payment gateway config", "<details>", "## Contributing factors"} {
			if !strings.Contains(doc.Body, want) {
				t.Errorf("the draft lacks %q:\n%s", want, doc.Body)
			}
		}
		if doc.Status != postmortem.Draft || doc.Version != 1 || doc.Slug != "checkout-fails-for-eu-customers" || doc.Facts.IncidentManager.ID != ann.ID {
			t.Errorf("draft %+v", doc.Postmortem)
		}
		if forms := hasJob[postmortem.FormInviteJob](q); len(forms) != 2 {
			t.Errorf("form invitations %v, want one per involved person", forms)
		}

		// Edits: versions with authors; a stale version is refused with the current state.
		body := strings.Replace(doc.Body, "## What went well\n", "## What went well\n\nThe rollback took two minutes.\n", 1)
		pm, err := pms.Edit(bobCtx, inc.Number, 1, body, "what went well")
		must(t, err)
		if pm.Version != 2 {
			t.Fatalf("version %d", pm.Version)
		}
		_, err = pms.Edit(annCtx, inc.Number, 1, body+"x", "")
		wantCode(t, err, apperr.CodeStale)
		_, err = pms.Edit(vicCtx, inc.Number, 2, body+"x", "")
		wantCode(t, err, apperr.CodeForbidden)
		vs, err := pms.Versions(annCtx, inc.Number)
		must(t, err)
		if len(vs) != 2 || vs[0].AuthorName != "Firebreak" || vs[1].AuthorID != bob.ID || vs[1].Note != "what went well" {
			t.Errorf("versions %+v", vs)
		}

		// A later incident change re-syncs the block, keeping the edit.
		sev := "SEV1"
		_, err = incs.Update(annCtx, inc.Number, 0, incident.Patch{Severity: &sev})
		must(t, err)
		if jobs := hasJob[postmortem.SyncJob](q); len(jobs) == 0 {
			t.Fatal("no sync job after an incident change in Improve")
		}
		must(t, pms.Sync(context.Background(), inc.Number))
		doc, err = pms.Get(annCtx, inc.Number)
		must(t, err)
		if !strings.Contains(doc.Body, "| Severity | SEV1 |") || !strings.Contains(doc.Body, "The rollback took two minutes.") || doc.Version != 3 || doc.Severity != "SEV1" {
			t.Errorf("after sync v%d %q:\n%s", doc.Version, doc.Severity, doc.Body)
		}

		// The meeting: policy, IM only, sequence on change.
		resolved := *inc.Times.Resolved
		_, err = pms.Schedule(bobCtx, inc.Number, postmortem.MeetingInput{Start: resolved.Add(48 * time.Hour), Minutes: 60})
		wantCode(t, err, apperr.CodeForbidden)
		_, err = pms.Schedule(annCtx, inc.Number, postmortem.MeetingInput{Start: resolved.Add(15 * 24 * time.Hour), Minutes: 60})
		wantCode(t, err, apperr.CodeInvalid)
		m, err := pms.Schedule(annCtx, inc.Number, postmortem.MeetingInput{Start: resolved.Add(72 * time.Hour), Minutes: 60, Location: "Room 4"})
		must(t, err)
		if m.Sequence != 0 || len(m.Attendees) != 2 || m.UID == "" {
			t.Errorf("meeting %+v", m)
		}
		m2, err := pms.Schedule(annCtx, inc.Number, postmortem.MeetingInput{Start: resolved.Add(96 * time.Hour), Minutes: 90})
		must(t, err)
		if m2.Sequence != 1 || m2.UID != m.UID || m2.Minutes != 90 {
			t.Errorf("rescheduled %+v", m2)
		}
		if inv := hasJob[postmortem.InviteJob](q); len(inv) != 4 {
			t.Errorf("invite jobs %v", inv)
		}
		if rem := hasJob[postmortem.FormReminderJob](q); len(rem) != 2 || !rem[1].Due.Equal(m2.Start.Add(-48*time.Hour)) {
			t.Errorf("reminder jobs %v", rem)
		}

		// Forms: drafts and submits, only the involved.
		_, err = pms.SaveForm(revCtx, inc.Number, postmortem.FormInput{Saw: "x"}, false)
		wantCode(t, err, apperr.CodeForbidden)
		f, err := pms.SaveForm(annCtx, inc.Number, postmortem.FormInput{Saw: "Checkout errors", Whys: []string{"gateway config rejected EU cards"}}, false)
		must(t, err)
		if f.Submitted() {
			t.Error("a draft was submitted")
		}
		_, err = pms.SaveForm(bobCtx, inc.Number, postmortem.FormInput{Saw: "Alerts", Whys: []string{"a"}}, false)
		must(t, err)
		_, err = pms.SaveForm(annCtx, inc.Number, postmortem.FormInput{Saw: "Checkout errors", Did: "Paged Bob",
			Whys: []string{"gateway config rejected EU cards", "the config change skipped staging"}}, true)
		must(t, err)
		_, err = pms.SaveForm(bobCtx, inc.Number, postmortem.FormInput{Saw: "Error rate alert", Did: "Rolled back",
			Whys: []string{"gateway config rejected EU cards", "nobody reviews config"}}, true)
		must(t, err)
		ans, err := pms.Answers(annCtx, inc.Number)
		must(t, err)
		if len(ans.Forms) != 2 || !ans.Forms[0].Submitted() || ans.Rows[2].Disagree || !ans.Rows[3].Disagree {
			t.Errorf("answers %+v", ans.Rows)
		}
		_, err = pms.Answers(bobCtx, inc.Number)
		wantCode(t, err, apperr.CodeForbidden)
		pm, err = pms.PullAnswers(annCtx, inc.Number, 0)
		must(t, err)
		if !strings.Contains(postmortem.Section(pm.Body, "Contributing factors"), "Perspective B") {
			t.Errorf("answers not pulled into contributing factors:\n%s", pm.Body)
		}

		// Action items: labels, the six-week rule, product owners.
		yes := true
		title := "Stage gateway config changes"
		it, err := pms.AddItem(annCtx, inc.Number, postmortem.ItemInput{Title: &title, OwnerID: &bob.ID, Important: &yes, Urgent: &yes, Labels: &[]string{"payments"}})
		must(t, err)
		if !it.Due.Equal(m2.Start.Add(42*24*time.Hour)) || !slices.Equal(it.Labels, []string{"pm-action-item", "inc-" + strconv.FormatInt(inc.Number, 10), "payments"}) {
			t.Errorf("item %+v", it)
		}
		late := m2.Start.Add(43 * 24 * time.Hour)
		_, err = pms.UpdateItem(annCtx, it.ID, it.Version, postmortem.ItemInput{Due: &late})
		wantCode(t, err, apperr.CodeInvalid)
		title2 := "Config review checklist"
		due := m2.Start.Add(90 * 24 * time.Hour)
		_, err = pms.AddItem(annCtx, inc.Number, postmortem.ItemInput{Title: &title2, Due: &due})
		wantCode(t, err, apperr.CodeInvalid)
		po := "Petra Product"
		it2, err := pms.AddItem(annCtx, inc.Number, postmortem.ItemInput{Title: &title2, Due: &due, ProductOwner: &po, OwnerID: &ann.ID})
		must(t, err)
		if it2.DueAgreedAt == nil || it2.ProductOwner != po {
			t.Errorf("agreement not recorded %+v", it2)
		}
		mine, err := pms.Items(bobCtx, postmortem.ItemFilter{OwnerID: bob.ID, Open: true})
		must(t, err)
		if len(mine) != 1 || mine[0].ID != it.ID {
			t.Errorf("bob's items %+v", mine)
		}
		_, err = pms.Done(bobCtx, it.ID) // the owner may close their own item
		must(t, err)
		open, err := pms.Items(annCtx, postmortem.ItemFilter{Number: inc.Number, Open: true})
		must(t, err)
		if len(open) != 1 || open[0].ID != it2.ID {
			t.Errorf("open items %+v", open)
		}
		if n := len(hasJob[postmortem.TrackJob](q)); n != 3 {
			t.Errorf("%d tracker jobs, want one per write", n)
		}

		// Review and publish.
		_, err = pms.Publish(annCtx, inc.Number)
		wantCode(t, err, apperr.CodeConflict)
		_, err = pms.RequestReview(annCtx, inc.Number, []int64{rev.ID})
		must(t, err)
		_, err = pms.Decide(bobCtx, inc.Number, postmortem.ReviewApproved, "")
		wantCode(t, err, apperr.CodeForbidden)
		r, err := pms.Decide(revCtx, inc.Number, postmortem.ReviewApproved, "Clear and blameless.")
		must(t, err)
		if r.Approvals != 1 || len(r.Comments) != 1 || r.Comments[0].AuthorName != "Rita Review" {
			t.Errorf("review %+v", r)
		}
		pm, err = pms.Publish(annCtx, inc.Number)
		must(t, err)
		if pm.Status != postmortem.Published || pm.Publication == nil || pm.Publication.Mode != "builtin" {
			t.Fatalf("published %+v", pm)
		}
		if !strings.Contains(pm.Body, "| Stage gateway config changes | Bob Stone |") || !strings.Contains(pm.Body, "(agreed with Petra Product)") {
			t.Errorf("the published text does not list the action items:\n%s", pm.Body)
		}
		if len(hasJob[postmortem.IndexJob](q)) != 1 {
			t.Error("no index job on publish")
		}
		tl, err := incs.Timeline(annCtx, inc.Number)
		must(t, err)
		if last := tl[len(tl)-1]; last.Kind != postmortem.EventPublished || last.After["mode"] != "builtin" {
			t.Errorf("last event %+v", last)
		}
		// Severity SEV1 may not waive; a published postmortem lets the incident close.
		_, err = pms.Waive(annCtx, inc.Number, "small")
		wantCode(t, err, apperr.CodeConflict)
		closed, err := incs2.ChangeStage(annCtx, inc.Number, 0, incident.Closed, "")
		must(t, err)
		if closed.Stage != incident.Closed {
			t.Errorf("stage %s", closed.Stage)
		}

		// A low-severity incident's IM waives with a reason; the gate opens.
		small, err := incs.Declare(bobCtx, incident.DeclareInput{Title: "Typo on the pricing page", Severity: "SEV4", TakeManager: true})
		must(t, err)
		for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
			_, err = incs.ChangeStage(bobCtx, small.Number, 0, st, "")
			must(t, err)
		}
		must(t, pms.Create(context.Background(), small.Number))
		_, err = pms.Waive(annCtx, small.Number, "cosmetic") // not the IM
		wantCode(t, err, apperr.CodeForbidden)
		_, err = pms.Waive(bobCtx, small.Number, " ")
		wantCode(t, err, apperr.CodeInvalid)
		w, err := pms.Waive(bobCtx, small.Number, "cosmetic, no customer impact")
		must(t, err)
		if w.Status != postmortem.Waived || w.Waiver.Reason != "cosmetic, no customer impact" || w.Waiver.By != bob.ID {
			t.Errorf("waived %+v", w)
		}
		_, err = incs2.ChangeStage(bobCtx, small.Number, 0, incident.Closed, "")
		must(t, err)

		// Templates: admins only; a new default is used by the next draft.
		_, err = pms.SaveTemplate(annCtx, postmortem.Template{Name: "Short", Body: "# {{ref}}\n{{basic_info}}\n## Summary\n"})
		wantCode(t, err, apperr.CodeForbidden)
		tpl, err := pms.SaveTemplate(actx, postmortem.Template{Name: "Short", Body: "# {{ref}}\n{{basic_info}}\n## Summary\n", Default: true})
		must(t, err)
		tpl2, err := pms.SaveTemplate(actx, postmortem.Template{Name: "Long", Body: postmortem.DefaultTemplate, Default: true})
		must(t, err)
		ts, err := pms.Templates(annCtx)
		must(t, err)
		if len(ts) != 2 || ts[0].ID != tpl2.ID || ts[1].Default || tpl.ID == 0 {
			t.Errorf("templates %+v", ts)
		}

		// The SLO facts see both postmortems, the meeting, the forms and the items.
		slo, err := pms.SLOs(annCtx, 0)
		must(t, err)
		if slo.Published != 1 || slo.Waived != 1 || len(slo.ResolveToPublish) != 1 || slo.PriorityDoneInTime.Met != 1 {
			t.Errorf("slos %+v", slo)
		}
		list, err := pms.List(vicCtx, "", 10)
		must(t, err)
		if len(list) != 2 || list[0].Number != small.Number {
			t.Errorf("list %+v", list)
		}
	})
}

// pmMail records what the postmortem workers send.
type pmMail struct {
	mu   sync.Mutex
	sent []string // "to|subject|method"
}

func (m *pmMail) Send(_ context.Context, to, subject, _ string, _ map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"|"+subject+"|")
	return nil
}

func (m *pmMail) SendCalendar(_ context.Context, to, subject, _ string, _ []byte, method string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"|"+subject+"|"+method)
	return nil
}

func (m *pmMail) take() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sent
	m.sent = nil
	return out
}

// TestPostmortemRemindersAreSentOnce runs the reminder and invitation jobs
// the way River would (again, late, or after things moved on): each mail
// goes once, to the right person, and not at all when no longer due.
func TestPostmortemRemindersAreSentOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s)
		mk := func(handle, name string) (auth.User, context.Context) {
			u, err := users.CreateUser(actx, auth.UserInput{Handle: handle, Name: name, Email: handle + "@example.com", Level: "responder"})
			must(t, err)
			return u, ctxFor(t, users, u)
		}
		_, annCtx := mk("ann", "Ann Lee")
		bob, bobCtx := mk("bob", "Bob Stone")
		q := &recordingQueue{}
		people := pmPeople{users}
		incs := incident.NewService(s.Incidents(q), pmIncidentPeople{people}, allServices{}, incident.DefaultScale, clk.Now, nil)
		pms := postmortem.NewService(s.Postmortems(q), incs, people, postmortem.Policy{}, clk.Now)
		mail := &pmMail{}
		w := postmortem.NewWorkers(pms, mail, "https://fb.example", "fb@example.com", nil)
		ctx := context.Background()

		inc, err := incs.Declare(annCtx, incident.DeclareInput{Title: "Search is slow", Severity: "SEV3", TakeManager: true})
		must(t, err)
		_, err = incs.AddNote(bobCtx, inc.Number, "Reindexed", false)
		must(t, err)
		for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
			_, err = incs.ChangeStage(annCtx, inc.Number, 0, st, "")
			must(t, err)
		}
		must(t, pms.Create(ctx, inc.Number))
		for _, j := range hasJob[postmortem.FormInviteJob](q) {
			must(t, w.FormInvite(ctx, j, 1))
		}
		if got := mail.take(); len(got) != 2 || !strings.Contains(got[0]+got[1], "bob@example.com|5-Why preparation: INC-1") {
			t.Errorf("form invitations %q", got)
		}

		// Invitations: an outdated sequence sends nothing.
		m, err := pms.Schedule(annCtx, inc.Number, postmortem.MeetingInput{Start: clk.Now().Add(72 * time.Hour), Minutes: 60})
		must(t, err)
		_, err = pms.Schedule(annCtx, inc.Number, postmortem.MeetingInput{Start: clk.Now().Add(73 * time.Hour), Minutes: 60})
		must(t, err)
		must(t, w.Invite(ctx, postmortem.InviteJob{Number: inc.Number, UserID: bob.ID, Sequence: m.Sequence}, 1))
		if got := mail.take(); len(got) != 0 {
			t.Errorf("an outdated invitation was sent: %q", got)
		}
		must(t, w.Invite(ctx, postmortem.InviteJob{Number: inc.Number, UserID: bob.ID, Sequence: m.Sequence + 1}, 1))
		if got := mail.take(); len(got) != 1 || got[0] != "bob@example.com|Updated: Postmortem: INC-1 Search is slow|REQUEST" {
			t.Errorf("invitation %q", got)
		}

		// The form reminder goes to those who have not submitted, once.
		_, err = pms.SaveForm(annCtx, inc.Number, postmortem.FormInput{Saw: "slow search", Whys: []string{"the index was cold"}}, true)
		must(t, err)
		rem := hasJob[postmortem.FormReminderJob](q)
		j := rem[len(rem)-1]
		must(t, w.FormReminder(ctx, rem[0], 1)) // the first schedule's: outdated
		must(t, w.FormReminder(ctx, j, 1))
		must(t, w.FormReminder(ctx, j, 2)) // a retry
		if got := mail.take(); len(got) != 1 || !strings.HasPrefix(got[0], "bob@example.com|Reminder: 5-Why preparation for INC-1") {
			t.Errorf("reminders %q", got)
		}

		// Overdue: the owner at the due date, the IM after the grace period, each once; nothing once done.
		title, yes := "Warm the index after deploys", true
		it, err := pms.AddItem(annCtx, inc.Number, postmortem.ItemInput{Title: &title, OwnerID: &bob.ID, Important: &yes, Urgent: &yes})
		must(t, err)
		clk.Advance(it.Due.Sub(clk.Now()) + time.Hour)
		owner := postmortem.OverdueJob{ItemID: it.ID, Due: it.Due}
		im := postmortem.OverdueJob{ItemID: it.ID, Due: it.Due.Add(7 * 24 * time.Hour), ToIM: true}
		must(t, w.Overdue(ctx, owner, 1))
		must(t, w.Overdue(ctx, owner, 2))
		must(t, w.Overdue(ctx, im, 1))
		must(t, w.Overdue(ctx, im, 2))
		if got := mail.take(); len(got) != 2 || !strings.HasPrefix(got[0], "bob@example.com|Overdue action item") || !strings.HasPrefix(got[1], "ann@example.com|Overdue action item") {
			t.Errorf("overdue reminders %q", got)
		}
		// A moved due date makes the old jobs do nothing; done items remind no one.
		later := it.Due.Add(-time.Hour)
		moved, err := pms.UpdateItem(annCtx, it.ID, 0, postmortem.ItemInput{Due: &later})
		must(t, err)
		if moved.OwnerReminded != nil {
			t.Error("a new due date kept the old reminder")
		}
		must(t, w.Overdue(ctx, owner, 3))
		_, err = pms.Done(bobCtx, it.ID)
		must(t, err)
		must(t, w.Overdue(ctx, postmortem.OverdueJob{ItemID: it.ID, Due: later}, 1))
		if got := mail.take(); len(got) != 0 {
			t.Errorf("reminded after the move or when done: %q", got)
		}
	})
}

// pmPublisher and pmIndexer record what the publishing hooks are given.
type pmPublisher struct{ docs []*postmortem.Doc }

func (p *pmPublisher) Submit(_ context.Context, d *postmortem.Doc) error {
	p.docs = append(p.docs, d)
	return nil
}

type pmIndexer struct{ docs []*postmortem.Doc }

func (p *pmIndexer) Index(_ context.Context, d *postmortem.Doc) error {
	p.docs = append(p.docs, d)
	return nil
}

// In git review mode, publishing submits the document to the Publisher; the
// adapter's MarkPublished records the merge commit and appends the event;
// the indexer gets the published document; a later edit is submitted again.
func TestPostmortemGitModeUsesTheHooks(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s)
		u, err := users.CreateUser(actx, auth.UserInput{Handle: "ann", Name: "Ann Lee", Email: "ann@example.com", Level: "responder"})
		must(t, err)
		annCtx := ctxFor(t, users, u)
		q := &recordingQueue{}
		people := pmPeople{users}
		incs := incident.NewService(s.Incidents(q), pmIncidentPeople{people}, allServices{}, incident.DefaultScale, clk.Now, nil)
		pms := postmortem.NewService(s.Postmortems(q), incs, people, postmortem.Policy{Mode: postmortem.ModeGit}, clk.Now)
		pub, idx := &pmPublisher{}, &pmIndexer{}
		w := postmortem.NewWorkers(pms, nil, "https://fb.example", "", nil)
		ctx := context.Background()

		inc, err := incs.Declare(annCtx, incident.DeclareInput{Title: "Search is slow", Severity: "SEV2", TakeManager: true})
		must(t, err)
		for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
			_, err = incs.ChangeStage(annCtx, inc.Number, 0, st, "")
			must(t, err)
		}
		must(t, pms.Create(ctx, inc.Number))
		_, err = pms.Publish(annCtx, inc.Number)
		wantCode(t, err, apperr.CodeConflict) // no publisher on this node
		pms.UsePublisher(pub)
		pms.UseIndexer(idx)
		pm, err := pms.Publish(annCtx, inc.Number)
		must(t, err)
		if pm.Status != postmortem.InReview {
			t.Errorf("status %s", pm.Status)
		}
		jobs := hasJob[postmortem.SubmitJob](q)
		if len(jobs) != 1 {
			t.Fatalf("submit jobs %v", jobs)
		}
		must(t, w.Submit(ctx, jobs[0], 1))
		if len(pub.docs) != 1 || pub.docs[0].Number != inc.Number || pub.docs[0].Facts.Ref != "INC-1" || pub.docs[0].Slug != "search-is-slow" {
			t.Fatalf("submitted %+v", pub.docs)
		}
		// The merge: the adapter marks it published (as Firebreak itself).
		sys := access.With(ctx, access.System)
		must(t, pms.MarkPublished(sys, inc.Number, postmortem.Publication{Mode: postmortem.ModeGit, Commit: "abc123", URL: "https://git.example/pr/1"}))
		doc, err := pms.Get(annCtx, inc.Number)
		must(t, err)
		if doc.Status != postmortem.Published || doc.Publication.Commit != "abc123" {
			t.Errorf("published %+v", doc.Publication)
		}
		tl, err := incs.Timeline(annCtx, inc.Number)
		must(t, err)
		if last := tl[len(tl)-1]; last.Kind != postmortem.EventPublished || last.After["commit"] != "abc123" {
			t.Errorf("event %+v", last)
		}
		for _, j := range hasJob[postmortem.IndexJob](q) {
			must(t, w.Index(ctx, j, 1))
		}
		if len(idx.docs) != 1 || idx.docs[0].Status != postmortem.Published {
			t.Errorf("indexed %d", len(idx.docs))
		}
		// An edit after publishing is submitted again (a new revision in git).
		_, err = pms.Edit(annCtx, inc.Number, doc.Version, doc.Body+"\nLater.\n", "")
		must(t, err)
		if n := len(hasJob[postmortem.SubmitJob](q)); n != 2 {
			t.Errorf("%d submit jobs after the edit: %+v", n, hasJob[postmortem.SubmitJob](q))
		}
		wantCode(t, pms.MarkPublished(sys, inc.Number, postmortem.Publication{Mode: "carrier pigeon"}), apperr.CodeInvalid)
	})
}
