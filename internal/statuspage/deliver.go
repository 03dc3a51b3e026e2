package statuspage

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Mailer sends one plain-text email; header holds extra headers such as
// List-Unsubscribe. The email adapter satisfies it.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string, header map[string]string) error
}

// Users finds the email address of a user (for reminders).
type Users interface {
	Email(ctx context.Context, userID int64) (string, error)
}

// Workers run the status page's jobs. Every job re-reads what it sends,
// and records the outcome of each delivery for admins to see.
type Workers struct {
	svc     *Service
	mail    Mailer
	users   Users
	client  *http.Client
	baseURL string
}

// NewWorkers returns the job workers; mail may be nil (email is then
// recorded as failed, with the reason, and retried).
func NewWorkers(svc *Service, mail Mailer, users Users, client *http.Client, baseURL string) *Workers {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Workers{svc: svc, mail: mail, users: users, client: client, baseURL: strings.TrimSuffix(baseURL, "/")}
}

// Fanout turns a published update into one delivery job per subscriber who wants it.
func (w *Workers) Fanout(ctx context.Context, job FanoutJob, _ int) error {
	u, err := w.svc.store.Update(ctx, job.UpdateID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil // the incident was deleted since
	}
	if err != nil {
		return err
	}
	inc, err := w.svc.store.Incident(ctx, u.IncidentID)
	if err != nil {
		return err
	}
	return w.svc.store.InTx(ctx, func(tx Tx) error {
		subs, err := tx.Recipients(ctx, inc.PageID)
		if err != nil {
			return err
		}
		now := w.svc.now().UTC()
		for _, sub := range subs {
			if !sub.Wants(u.Affected) && !sub.Wants(affectedOf(inc)) {
				continue
			}
			added, err := tx.AddDelivery(ctx, &Delivery{UpdateID: u.ID, SubscriberID: sub.ID, State: "pending", UpdatedAt: now})
			if err != nil {
				return err
			}
			if added {
				if err := tx.Enqueue(ctx, DeliverJob{UpdateID: u.ID, SubscriberID: sub.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// affectedOf lists every component an incident affected, so a subscriber to
// one of them also gets the updates that name no component (e.g. "Resolved").
func affectedOf(inc *Incident) []Affected {
	out := make([]Affected, len(inc.Components))
	for i, id := range inc.Components {
		out[i] = Affected{ComponentID: id}
	}
	return out
}

// Deliver sends one update to one subscriber and records how it went.
func (w *Workers) Deliver(ctx context.Context, job DeliverJob, attempt int) error {
	sub, err := w.svc.store.Subscriber(ctx, job.SubscriberID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil // unsubscribed since
	}
	if err != nil {
		return err
	}
	u, err := w.svc.store.Update(ctx, job.UpdateID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	inc, err := w.svc.store.Incident(ctx, u.IncidentID)
	if err != nil {
		return err
	}
	page, err := w.svc.store.Page(ctx, inc.PageID)
	if err != nil {
		return err
	}
	if sub.Kind == ByWebhook {
		err = w.webhook(ctx, sub, page, inc, u)
	} else {
		err = w.email(ctx, sub, page, inc, u)
	}
	d := Delivery{UpdateID: u.ID, SubscriberID: sub.ID, State: "sent", Attempts: attempt, UpdatedAt: w.svc.now().UTC()}
	if err != nil {
		d.State, d.LastError = "failed", err.Error()
		if len(d.LastError) > 500 {
			d.LastError = d.LastError[:500]
		}
	}
	if rerr := w.svc.store.InTx(ctx, func(tx Tx) error { return tx.SetDelivery(ctx, d) }); rerr != nil {
		return rerr
	}
	return err
}

func (w *Workers) pageURL(p Page) string { return PageURL(p, w.baseURL) }

func (w *Workers) email(ctx context.Context, sub Subscriber, page Page, inc *Incident, u Update) error {
	if w.mail == nil {
		return fmt.Errorf("no mail server is configured")
	}
	token, err := w.svc.Token(ctx, PurposeUnsubscribe, sub)
	if err != nil {
		return err
	}
	unsub := w.baseURL + PagePath(page) + "/unsubscribe?token=" + token
	link := w.pageURL(page) + "/incidents/" + apiID(inc.ID)
	v := &view{page: page, loc: page.Location()}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s - %s\n\n", inc.Name, u.Status.Label(), u.Body)
	if len(u.Affected) > 0 {
		names := make([]string, len(u.Affected))
		for i, a := range u.Affected {
			names[i] = a.Name + ": " + a.Status.Label()
		}
		fmt.Fprintf(&b, "Affected: %s\n\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(&b, "Posted %s\n\nFollow this %s: %s\n\n-- \nYou get this email because you subscribed to %s.\nUnsubscribe: %s\n",
		v.local(u.CreatedAt), strings.ToLower(string(inc.Kind)), link, page.Name, unsub)
	subject := fmt.Sprintf("[%s] %s: %s", page.Name, u.Status.Label(), inc.Name)
	return w.mail.Send(ctx, sub.Address, subject, b.String(), map[string]string{
		"List-Unsubscribe":      "<" + unsub + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id":               page.Name + " status <" + page.Slug + ".status.firebreak>",
	})
}

// WebhookPayload is what webhook subscribers receive: Statuspage's webhook
// shape (meta, page, incident), so existing receivers understand it.
type WebhookPayload struct {
	Meta struct {
		Unsubscribe   string `json:"unsubscribe"`
		Documentation string `json:"documentation"`
	} `json:"meta"`
	Page struct {
		ID                string `json:"id"`
		StatusIndicator   string `json:"status_indicator"`
		StatusDescription string `json:"status_description"`
	} `json:"page"`
	Incident APIIncident `json:"incident"`
}

func (w *Workers) webhook(ctx context.Context, sub Subscriber, page Page, inc *Incident, u Update) error {
	data, err := w.svc.store.Load(ctx, inc.CreatedAt)
	if err != nil {
		return err
	}
	v := newView(data, page, w.svc.now(), w.pageURL(page), PagePath(page), 1)
	var p WebhookPayload
	p.Meta.Documentation = "https://developer.statuspage.io/#section/Webhooks"
	p.Page.ID = apiID(page.ID)
	p.Page.StatusIndicator, p.Page.StatusDescription = v.overall.Indicator, v.overall.Description
	p.Incident = v.apiIncident(inc)
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return postSigned(ctx, w.client, sub.Address, sub.Secret, body, "statuspage."+string(inc.Kind)+"_update",
		"update-"+strconv.FormatInt(u.ID, 10)+"-"+strconv.FormatInt(sub.ID, 10))
}

// postSigned POSTs body with an HMAC-SHA256 signature, as Firebreak's
// incident webhooks do (X-Firebreak-Signature: sha256=<hex>).
func postSigned(ctx context.Context, client *http.Client, url, secret string, body []byte, event, delivery string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Firebreak-Webhook/1")
	req.Header.Set("X-Firebreak-Event", event)
	req.Header.Set("X-Firebreak-Delivery", delivery)
	if secret != "" {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		req.Header.Set("X-Firebreak-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s answered %s", url, resp.Status)
	}
	return nil
}

// Confirm sends the double opt-in email.
func (w *Workers) Confirm(ctx context.Context, job ConfirmJob, _ int) error {
	sub, err := w.svc.store.Subscriber(ctx, job.SubscriberID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil || sub.ConfirmedAt != nil {
		return err
	}
	if w.mail == nil {
		return fmt.Errorf("no mail server is configured")
	}
	page, err := w.svc.store.Page(ctx, sub.PageID)
	if err != nil {
		return err
	}
	token, err := w.svc.Token(ctx, PurposeConfirm, sub)
	if err != nil {
		return err
	}
	link := w.baseURL + PagePath(page) + "/confirm?token=" + token
	body := fmt.Sprintf("Someone, hopefully you, asked to get an email whenever %s posts an incident or maintenance update.\n\n"+
		"Confirm your subscription: %s\n\nIf it was not you, ignore this email: nothing will be sent without your confirmation.\n", page.Name, link)
	return w.mail.Send(ctx, sub.Address, "Confirm your subscription to "+page.Name+" status", body, nil)
}

// Stakeholder sends an internal update to every internal channel.
func (w *Workers) Stakeholder(ctx context.Context, job StakeholderJob, attempt int) error {
	u, err := w.svc.store.StakeholderUpdate(ctx, job.UpdateID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	chans, err := w.svc.store.Channels(ctx)
	if err != nil {
		return err
	}
	ref := incident.Ref(u.IncidentNumber)
	link := w.baseURL + "/incidents/" + ref
	for _, c := range chans {
		switch c.Kind {
		case ByEmail:
			if w.mail == nil {
				return fmt.Errorf("no mail server is configured")
			}
			body := fmt.Sprintf("%s\n\n-- %s, %s\n%s\n", u.Body, u.ActorName, u.CreatedAt.UTC().Format("Jan 2, 2006 15:04 MST"), link)
			if err := w.mail.Send(ctx, c.Address, "["+ref+"] Stakeholder update", body, nil); err != nil {
				return err
			}
		case ByWebhook:
			body, _ := json.Marshal(map[string]any{"incident": ref, "url": link, "body": u.Body, "author": u.ActorName, "created_at": u.CreatedAt})
			if err := postSigned(ctx, w.client, c.Address, c.Secret, body, "stakeholder_update", "stakeholder-"+strconv.FormatInt(u.ID, 10)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Remind tells the Communications Manager (or, with none, the Incident
// Manager) that the next public update is due, unless one was published
// since or the incident is no longer open.
func (w *Workers) Remind(ctx context.Context, job ReminderJob, _ int) error {
	sys := access.With(ctx, access.System)
	inc, err := w.svc.incidents.Get(sys, job.Number)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil || !inc.Stage.Open() {
		return err
	}
	pubs, err := w.svc.store.IncidentsOf(ctx, job.Number)
	if err != nil {
		return err
	}
	for _, p := range pubs {
		if l := p.Latest(); l != nil && l.ID > job.AfterUpdate {
			return nil // someone published since
		}
		if p.Status.Done() {
			return nil
		}
	}
	to := inc.Roles.CommunicationsManager
	if to == 0 {
		to = inc.Roles.IncidentManager
	}
	if to == 0 || w.users == nil || w.mail == nil {
		return nil // nobody to remind; the UI shows the overdue countdown
	}
	addr, err := w.users.Email(ctx, to)
	if err != nil || addr == "" {
		return err
	}
	body := fmt.Sprintf("The next public update of %s (%s) was due at %s.\n\nPost it: %s/incidents/%s#communications\n",
		inc.Ref(), inc.Title, job.Due.UTC().Format("15:04 MST"), w.baseURL, inc.Ref())
	return w.mail.Send(ctx, addr, "["+inc.Ref()+"] Public update due", body, nil)
}
