package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/notification"
)

// "My notifications" (/settings/notifications): the person's contact
// methods with the verify flow and a test button, their rules per urgency
// with delays, what a page would do now, the low-urgency digest, and the
// history of what was sent to them.

// notificationsView is the data of the page.
type notificationsView struct {
	Contacts []notification.Contact
	Verified []notification.Contact // for the rule form
	Kinds    []kindOption
	Sections []urgencySection // high, then low
	Digest   int              // minutes; 0 off
	History  []historyRow
	// Form holds what was typed into a refused form, to show it again.
	Form struct{ Kind, Name, Address string }
	// Added is the contact method just added: its code form is opened.
	Added int64
}

// urgencySection is the rules and the plan of one urgency.
type urgencySection struct {
	Urgency notification.Urgency
	Title   string
	Rules   []ruleRow
	Plan    []planRow
	Default bool // the plan is the default: no rules for this urgency
}

// kindOption is a kind of contact method as the add form offers it.
type kindOption struct {
	Value notification.Kind
	Label string
}

// kindLabels say what each kind is to someone choosing one.
var kindLabels = map[notification.Kind]string{
	notification.Email:   "Email",
	notification.Webhook: "Push (ntfy topic URL) or webhook",
	notification.SMS:     "SMS",
	"slack":              "Slack direct message",
}

type ruleRow struct {
	notification.Rule
	Contact notification.Contact
	Minutes int
}

type planRow struct {
	Contact notification.Contact
	Minutes int
}

type historyRow struct {
	notification.Delivery
	Shown string // the address, masked where it carries secrets
	When  time.Time
}

func (s *server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	v := notificationsView{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("added"), 10, 64); err == nil {
		v.Added = id
	}
	return s.showNotifications(w, r, http.StatusOK, v, s.flash(r))
}

// flash reads the one-line outcome a redirect after a change carries.
func (s *server) flash(r *http.Request) *banner {
	switch r.URL.Query().Get("done") {
	case "added":
		return &banner{Kind: "ok", Message: "Added. A six-digit code is on its way to it: enter it below to start using it"}
	case "verified":
		return &banner{Kind: "ok", Message: "Verified: Firebreak notifies you there now"}
	case "resent":
		return &banner{Kind: "ok", Message: "A new code is on its way; the previous one no longer works"}
	case "tested":
		return &banner{Kind: "ok", Message: "Test notification queued: it shows in the history below once sent"}
	case "saved":
		return &banner{Kind: "ok", Message: "Saved"}
	}
	return nil
}

func (s *server) showNotifications(w http.ResponseWriter, r *http.Request, status int, v notificationsView, b *banner) error {
	me := actor(r).UserID
	if me == 0 {
		return apperr.Forbidden("only a person has notification settings")
	}
	ctx := r.Context()
	var err error
	if v.Contacts, err = s.notify.Contacts(ctx, me); err != nil {
		return err
	}
	byID := map[int64]notification.Contact{}
	for _, c := range v.Contacts {
		byID[c.ID] = c
		if c.Verified() {
			v.Verified = append(v.Verified, c)
		}
	}
	rules, err := s.notify.Rules(ctx, me)
	if err != nil {
		return err
	}
	for _, u := range []notification.Urgency{notification.High, notification.Low} {
		sec := urgencySection{Urgency: u, Title: "High urgency (pages)"}
		if u == notification.Low {
			sec.Title = "Low urgency"
		}
		for _, ru := range rules {
			if ru.Urgency == u {
				sec.Rules = append(sec.Rules, ruleRow{Rule: ru, Contact: byID[ru.ContactID], Minutes: int(ru.Delay / time.Minute)})
			}
		}
		steps, err := s.notify.Preview(ctx, me, u)
		if err != nil {
			return err
		}
		for _, st := range steps {
			sec.Plan = append(sec.Plan, planRow{Contact: st.Contact, Minutes: int(st.Delay / time.Minute)})
			sec.Default = st.Default
		}
		v.Sections = append(v.Sections, sec)
	}
	set, err := s.notify.Settings(ctx, me)
	if err != nil {
		return err
	}
	v.Digest = int(set.DigestEvery / time.Minute)
	history, err := s.notify.History(ctx, me, 50)
	if err != nil {
		return err
	}
	for _, d := range history {
		when := d.DueAt
		if d.SentAt != nil {
			when = *d.SentAt
		}
		v.History = append(v.History, historyRow{Delivery: d, Shown: notification.MaskAddress(d.Kind, d.Address), When: when})
	}
	for _, k := range s.notify.Kinds() {
		label := kindLabels[k]
		if label == "" {
			label = string(k)
		}
		v.Kinds = append(v.Kinds, kindOption{Value: k, Label: label})
	}
	s.render(w, r, status, "notifications", page{Title: "My notifications", Nav: "settings", Banner: b, Data: v})
	return nil
}

// notifyFailed shows the page again with the refusal, or hands errors that
// are not about the form to the error page.
func (s *server) notifyFailed(w http.ResponseWriter, r *http.Request, v notificationsView, err error) error {
	if !onForm(err) {
		return err
	}
	return s.showNotifications(w, r, statusOf(apperr.CodeOf(err)), v, &banner{Kind: "error", Message: s.messageOf(r, err)})
}

func (s *server) addContactMethod(w http.ResponseWriter, r *http.Request) error {
	v := notificationsView{}
	v.Form.Kind, v.Form.Name, v.Form.Address = r.PostFormValue("kind"), r.PostFormValue("name"), r.PostFormValue("address")
	c, err := s.notify.AddContact(r.Context(), notification.Kind(v.Form.Kind), v.Form.Name, v.Form.Address)
	if err != nil {
		return s.notifyFailed(w, r, v, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=added&added="+strconv.FormatInt(c.ID, 10)+"#contact-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *server) verifyContactMethod(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "contact method")
	if err != nil {
		return err
	}
	if _, err := s.notify.Verify(r.Context(), id, r.PostFormValue("code")); err != nil {
		return s.notifyFailed(w, r, notificationsView{Added: id}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=verified", http.StatusSeeOther)
	return nil
}

func (s *server) resendContactCode(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "contact method")
	if err != nil {
		return err
	}
	if err := s.notify.ResendCode(r.Context(), id); err != nil {
		return s.notifyFailed(w, r, notificationsView{Added: id}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=resent&added="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *server) testContactMethod(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "contact method")
	if err != nil {
		return err
	}
	if _, err := s.notify.Test(r.Context(), id); err != nil {
		return s.notifyFailed(w, r, notificationsView{}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=tested#history", http.StatusSeeOther)
	return nil
}

func (s *server) removeContactMethod(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "contact method")
	if err != nil {
		return err
	}
	if err := s.notify.RemoveContact(r.Context(), id); err != nil {
		return s.notifyFailed(w, r, notificationsView{}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=saved", http.StatusSeeOther)
	return nil
}

func (s *server) addNotificationRule(w http.ResponseWriter, r *http.Request) error {
	contact, _ := strconv.ParseInt(r.PostFormValue("contact"), 10, 64)
	minutes, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("delay")))
	if err != nil {
		return s.notifyFailed(w, r, notificationsView{}, apperr.Invalid("delay_minutes", "the delay is a number of minutes"))
	}
	_, err = s.notify.AddRule(r.Context(), notification.Rule{ContactID: contact, Urgency: notification.Urgency(r.PostFormValue("urgency")), Delay: time.Duration(minutes) * time.Minute})
	if err != nil {
		return s.notifyFailed(w, r, notificationsView{}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=saved#rules", http.StatusSeeOther)
	return nil
}

func (s *server) removeNotificationRule(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "rule")
	if err != nil {
		return err
	}
	if err := s.notify.RemoveRule(r.Context(), id); err != nil {
		return s.notifyFailed(w, r, notificationsView{}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=saved#rules", http.StatusSeeOther)
	return nil
}

func (s *server) saveDigest(w http.ResponseWriter, r *http.Request) error {
	minutes, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("digest")))
	if err != nil {
		return s.notifyFailed(w, r, notificationsView{}, apperr.Invalid("digest_minutes", "the digest interval is a number of minutes (0: off)"))
	}
	if _, err := s.notify.SaveSettings(r.Context(), notification.Settings{DigestEvery: time.Duration(minutes) * time.Minute}); err != nil {
		return s.notifyFailed(w, r, notificationsView{}, err)
	}
	http.Redirect(w, r, "/settings/notifications?done=saved#digest", http.StatusSeeOther)
	return nil
}
