package postmortem

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Workers run the postmortem jobs. Each re-reads the state it acts on, so a
// job that runs twice, late, or after things moved on does the right thing.
type Workers struct {
	svc     *Service
	mail    Mailer
	baseURL string
	from    string
	log     *slog.Logger
}

// NewWorkers returns the job workers; mail may be nil (nothing is emailed,
// and the log says so). from is the sender address, used as the meeting's
// organizer when the Incident Manager has no address.
func NewWorkers(svc *Service, mail Mailer, baseURL, from string, log *slog.Logger) *Workers {
	if log == nil {
		log = slog.Default()
	}
	return &Workers{svc: svc, mail: mail, baseURL: strings.TrimSuffix(baseURL, "/"), from: from, log: log}
}

func sys(ctx context.Context) context.Context { return access.With(ctx, access.System) }

// Link is the absolute address of a page of a postmortem: "" for its page,
// "form", "meeting".
func (w *Workers) Link(number int64, page string) string {
	u := w.baseURL + "/postmortems/" + incident.Ref(number)
	if page != "" {
		u += "/" + page
	}
	return u
}

// Create drafts the postmortem.
func (w *Workers) Create(ctx context.Context, j CreateJob, _ int) error {
	return w.svc.Create(sys(ctx), j.Number)
}

// Sync refreshes the synced blocks.
func (w *Workers) Sync(ctx context.Context, j SyncJob, _ int) error {
	return w.svc.Sync(sys(ctx), j.Number)
}

func (w *Workers) send(ctx context.Context, to Person, subject, body string) error {
	if w.mail == nil {
		w.log.Warn("postmortem email not sent: email is not configured", "to", to.Handle, "subject", subject)
		return nil
	}
	if to.Email == "" {
		return nil
	}
	return w.mail.Send(ctx, to.Email, subject, body, nil)
}

// Invite sends one attendee the meeting invitation, update or cancellation.
func (w *Workers) Invite(ctx context.Context, j InviteJob, _ int) error {
	ctx = sys(ctx)
	m, err := w.svc.store.Meeting(ctx, j.Number)
	if err != nil {
		return ignoreNotFound(err)
	}
	if m.Sequence != j.Sequence {
		return nil // a later change has its own job
	}
	inc, err := w.svc.incidents.Get(ctx, j.Number)
	if err != nil {
		return err
	}
	to, err := w.svc.people.Person(ctx, j.UserID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if w.mail == nil || to.Email == "" {
		w.log.Warn("postmortem invitation not sent", "to", to.Handle, "mail_configured", w.mail != nil)
		return nil
	}
	var attendees []Person
	for _, id := range m.Attendees {
		if p, err := w.svc.people.Person(ctx, id); err == nil {
			attendees = append(attendees, p)
		}
	}
	var organizer Person
	if inc.Roles.IncidentManager != 0 {
		organizer, _ = w.svc.people.Person(ctx, inc.Roles.IncidentManager)
	}
	if organizer.Email == "" {
		organizer = Person{Name: "Firebreak", Email: w.from}
	}
	summary := "Postmortem: " + inc.Ref() + " " + inc.Title
	var body strings.Builder
	if m.Cancelled {
		fmt.Fprintf(&body, "The postmortem meeting of %s (%s) on %s is cancelled.\n", inc.Ref(), inc.Title, m.Start.UTC().Format("Mon 2 Jan 2006 15:04 MST"))
	} else {
		word := "You are invited to"
		if m.Sequence > 0 {
			word = "Updated:"
		}
		fmt.Fprintf(&body, "%s the postmortem meeting of %s (%s).\n\nWhen: %s, %d minutes\n", word, inc.Ref(), inc.Title,
			m.Start.UTC().Format("Mon 2 Jan 2006 15:04 MST"), m.Minutes)
		if m.Location != "" {
			fmt.Fprintf(&body, "Where: %s\n", m.Location)
		}
		fmt.Fprintf(&body, "\nBefore the meeting, please fill in your 5-Why preparation form:\n%s\n\nThe postmortem: %s\n", w.Link(j.Number, "form"), w.Link(j.Number, ""))
	}
	ics, method := Invite{Meeting: m, Summary: summary, Body: body.String(), URL: w.Link(j.Number, ""),
		Organizer: organizer, Attendees: attendees, From: w.from, Stamp: w.svc.now()}.ICS()
	subject := summary
	if m.Cancelled {
		subject = "Cancelled: " + summary
	} else if m.Sequence > 0 {
		subject = "Updated: " + summary
	}
	return w.mail.SendCalendar(ctx, to.Email, subject, body.String(), ics, method)
}

// FormInvite sends an involved person the link to their 5-Why form.
func (w *Workers) FormInvite(ctx context.Context, j FormInviteJob, _ int) error {
	ctx = sys(ctx)
	f, err := w.svc.store.Form(ctx, j.Number, j.UserID)
	if err == nil && f.Submitted() {
		return nil
	}
	if err != nil && apperr.CodeOf(err) != apperr.CodeNotFound {
		return err
	}
	to, err := w.svc.people.Person(ctx, j.UserID)
	if err != nil {
		return ignoreNotFound(err)
	}
	inc, err := w.svc.incidents.Get(ctx, j.Number)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("%s (%s) is in the Improve stage, and you were involved.\n\n"+
		"Please prepare for the postmortem: say what you saw and did, and answer \"why?\" up to five times, towards causes in the system.\n"+
		"Your answers are saved as a draft until you submit them:\n%s\n", inc.Ref(), inc.Title, w.Link(j.Number, "form"))
	return w.send(ctx, to, "5-Why preparation: "+inc.Ref()+" "+inc.Title, body)
}

// FormReminder reminds the invitees who have not submitted their form.
func (w *Workers) FormReminder(ctx context.Context, j FormReminderJob, _ int) error {
	ctx = sys(ctx)
	m, err := w.svc.store.Meeting(ctx, j.Number)
	if err != nil {
		return ignoreNotFound(err)
	}
	if m.Sequence != j.Sequence || m.Cancelled || m.StartedAt != nil {
		return nil
	}
	inc, err := w.svc.incidents.Get(ctx, j.Number)
	if err != nil {
		return err
	}
	for _, id := range m.Attendees {
		var f *Form
		err := w.svc.store.InTx(ctx, func(tx Tx) error {
			var err error
			f, err = tx.FormForUpdate(ctx, j.Number, id)
			if err != nil {
				return err
			}
			now := w.svc.now().UTC()
			if f == nil {
				f = &Form{Number: j.Number, UserID: id, Whys: []string{}, CreatedAt: now, UpdatedAt: now}
			}
			// Reminded since the meeting was last (re)scheduled: this job, or a retry of it, ran already.
			if f.Submitted() || (f.RemindedAt != nil && !f.RemindedAt.Before(m.UpdatedAt)) {
				f = nil
				return nil
			}
			f.RemindedAt = &now
			return tx.SaveForm(ctx, f)
		})
		if err != nil || f == nil {
			if err != nil {
				return err
			}
			continue
		}
		to, err := w.svc.people.Person(ctx, id)
		if err != nil {
			continue
		}
		body := fmt.Sprintf("The postmortem meeting of %s (%s) is on %s. Your 5-Why form is not submitted yet:\n%s\n",
			inc.Ref(), inc.Title, m.Start.UTC().Format("Mon 2 Jan 2006 15:04 MST"), w.Link(j.Number, "form"))
		if err := w.send(ctx, to, "Reminder: 5-Why preparation for "+inc.Ref(), body); err != nil {
			return err
		}
	}
	return nil
}

// Overdue reminds the owner of an overdue item, or its incident's IM after the grace period.
func (w *Workers) Overdue(ctx context.Context, j OverdueJob, _ int) error {
	ctx = sys(ctx)
	it, err := w.svc.store.Item(ctx, j.ItemID)
	if err != nil {
		return ignoreNotFound(err)
	}
	want := it.Due
	if j.ToIM {
		want = it.Due.Add(w.svc.policy.OverdueGrace)
	}
	if it.Status.Closed() || !want.Equal(j.Due) {
		return nil // done, or the due date moved (the move enqueued new reminders)
	}
	if (j.ToIM && it.IMReminded != nil) || (!j.ToIM && it.OwnerReminded != nil) {
		return nil
	}
	inc, err := w.svc.incidents.Get(ctx, it.Number)
	if err != nil {
		return err
	}
	to := it.OwnerID
	if j.ToIM {
		to = inc.Roles.IncidentManager
	}
	now := w.svc.now().UTC()
	err = w.svc.store.InTx(ctx, func(tx Tx) error {
		cur, err := tx.ItemForUpdate(ctx, it.ID)
		if err != nil {
			return err
		}
		if j.ToIM {
			cur.IMReminded = &now
		} else {
			cur.OwnerReminded = &now
		}
		return tx.SaveItem(ctx, cur)
	})
	if err != nil || to == 0 {
		return err
	}
	p, err := w.svc.people.Person(ctx, to)
	if err != nil {
		return ignoreNotFound(err)
	}
	who := "you own"
	if j.ToIM {
		who = "of " + inc.Ref() + ", where you are the Incident Manager,"
	}
	body := fmt.Sprintf("The action item %s is overdue since %s: %q\n\n%s\n", who, it.Due.UTC().Format("2006-01-02"), it.Title, w.baseURL+"/actions")
	return w.send(ctx, p, "Overdue action item: "+it.Title, body)
}

// Track syncs an item to the outside tracker, when one is set up.
func (w *Workers) Track(ctx context.Context, j TrackJob, _ int) error {
	if w.svc.tracker == nil {
		return nil
	}
	it, err := w.svc.store.Item(sys(ctx), j.ItemID)
	if err != nil {
		return ignoreNotFound(err)
	}
	return w.svc.tracker.Sync(sys(ctx), *it)
}

// Index indexes a published postmortem, when an indexer is set up.
func (w *Workers) Index(ctx context.Context, j IndexJob, _ int) error {
	if w.svc.indexer == nil {
		return nil
	}
	doc, err := w.svc.Get(sys(ctx), j.Number)
	if err != nil {
		return ignoreNotFound(err)
	}
	if doc.Status != Published {
		return nil
	}
	return w.svc.indexer.Index(sys(ctx), doc)
}

// Submit hands the postmortem to the git publisher.
func (w *Workers) Submit(ctx context.Context, j SubmitJob, _ int) error {
	if w.svc.publisher == nil {
		w.log.Error("postmortem submit: no git publisher is set up", "incident", incident.Ref(j.Number))
		return nil
	}
	doc, err := w.svc.Get(sys(ctx), j.Number)
	if err != nil {
		return ignoreNotFound(err)
	}
	return w.svc.publisher.Submit(sys(ctx), doc)
}

// ReviewRequest tells a reviewer they were asked to review.
func (w *Workers) ReviewRequest(ctx context.Context, j ReviewRequestJob, _ int) error {
	ctx = sys(ctx)
	p, err := w.svc.people.Person(ctx, j.UserID)
	if err != nil {
		return ignoreNotFound(err)
	}
	inc, err := w.svc.incidents.Get(ctx, j.Number)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("You were asked to review the postmortem of %s (%s):\n%s\n", inc.Ref(), inc.Title, w.Link(j.Number, ""))
	return w.send(ctx, p, "Review requested: postmortem of "+inc.Ref(), body)
}

func ignoreNotFound(err error) error {
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return nil
	}
	return err
}
