package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/notification"
)

// Personal notifications: the caller's contact methods (verified with a
// code), rules, settings and delivery history. Everything is under /me: a
// person manages only their own; admins read others' history by user.

// ContactMethod is a contact method as the API shows it (never its code).
type ContactMethod struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	Name       string     `json:"name"`
	Address    string     `json:"address"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

func contactOut(c notification.Contact) ContactMethod {
	return ContactMethod{ID: c.ID, Kind: string(c.Kind), Name: c.Name, Address: c.Address, Verified: c.Verified(), VerifiedAt: c.VerifiedAt, CreatedAt: c.CreatedAt}
}

type contactList struct {
	ContactMethods []ContactMethod `json:"contact_methods"`
	Kinds          []string        `json:"kinds"` // the kinds this server can send to
}

type contactBody struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

type verifyBody struct {
	Code string `json:"code"`
}

// NotificationRule is a rule as the API shows it.
type NotificationRule struct {
	ID              int64  `json:"id"`
	ContactMethodID int64  `json:"contact_method_id"`
	Urgency         string `json:"urgency"`
	DelayMinutes    int    `json:"delay_minutes"`
}

type ruleBody struct {
	ContactMethodID int64  `json:"contact_method_id"`
	Urgency         string `json:"urgency"`
	DelayMinutes    int    `json:"delay_minutes"`
}

// PlannedStep is one delivery a message would get now.
type PlannedStep struct {
	ContactMethodID int64  `json:"contact_method_id"`
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	DelayMinutes    int    `json:"delay_minutes"`
	Default         bool   `json:"default"` // from the default, as there is no rule for the urgency
}

type notificationRuleList struct {
	Rules []NotificationRule `json:"rules"`
	// Plan is what a message of each urgency would do now: the rules on
	// verified contact methods, or the default.
	Plan map[string][]PlannedStep `json:"plan"`
}

type settingsBody struct {
	DigestMinutes int `json:"digest_minutes"` // 0: low-urgency messages go at once
}

// DeliveryOut is one delivery in a person's history.
type DeliveryOut struct {
	ID              int64      `json:"id"`
	Key             string     `json:"key"`
	ContactMethodID int64      `json:"contact_method_id"`
	Kind            string     `json:"kind"`
	Address         string     `json:"address"` // webhook URLs and numbers are masked
	Urgency         string     `json:"urgency"`
	Subject         string     `json:"subject"`
	PageID          int64      `json:"page_id,omitempty"`
	State           string     `json:"state"` // pending, sent, failed, cancelled, collapsed
	Attempts        int        `json:"attempts"`
	Error           string     `json:"error"`
	DueAt           time.Time  `json:"due_at"`
	SentAt          *time.Time `json:"sent_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

func deliveryOut(d notification.Delivery) DeliveryOut {
	return DeliveryOut{ID: d.ID, Key: d.Key, ContactMethodID: d.ContactID, Kind: string(d.Kind), Address: notification.MaskAddress(d.Kind, d.Address),
		Urgency: string(d.Urgency), Subject: d.Subject, PageID: d.PageID, State: string(d.State), Attempts: d.Attempts, Error: d.Error,
		DueAt: d.DueAt, SentAt: d.SentAt, UpdatedAt: d.UpdatedAt}
}

type notificationDeliveryList struct {
	Deliveries []DeliveryOut `json:"deliveries"`
}

func me(r *http.Request) (int64, error) {
	a, _ := access.From(r.Context())
	if a.UserID == 0 {
		return 0, apperr.Forbidden("only a person has notification settings; this token belongs to no user")
	}
	return a.UserID, nil
}

func (s *server) listContacts(w http.ResponseWriter, r *http.Request) error {
	uid, err := me(r)
	if err != nil {
		return err
	}
	cs, err := s.notify.Contacts(r.Context(), uid)
	if err != nil {
		return err
	}
	out := contactList{ContactMethods: []ContactMethod{}, Kinds: []string{}}
	for _, c := range cs {
		out.ContactMethods = append(out.ContactMethods, contactOut(c))
	}
	for _, k := range s.notify.Kinds() {
		out.Kinds = append(out.Kinds, string(k))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) postContact(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[contactBody](w, r)
	if err != nil {
		return err
	}
	c, err := s.notify.AddContact(r.Context(), notification.Kind(in.Kind), in.Name, in.Address)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/me/contact-methods/"+strconv.FormatInt(c.ID, 10))
	return writeJSON(w, http.StatusCreated, contactOut(c))
}

func contactID(r *http.Request) (int64, error) { return pathID(r, "contact", "contact method") }

func (s *server) deleteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := contactID(r)
	if err != nil {
		return err
	}
	if err := s.notify.RemoveContact(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) postVerifyContact(w http.ResponseWriter, r *http.Request) error {
	id, err := contactID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[verifyBody](w, r)
	if err != nil {
		return err
	}
	c, err := s.notify.Verify(r.Context(), id, in.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, contactOut(c))
}

func (s *server) postResendCode(w http.ResponseWriter, r *http.Request) error {
	id, err := contactID(r)
	if err != nil {
		return err
	}
	if err := s.notify.ResendCode(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}

func (s *server) postTestContact(w http.ResponseWriter, r *http.Request) error {
	id, err := contactID(r)
	if err != nil {
		return err
	}
	d, err := s.notify.Test(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, deliveryOut(d))
}

func (s *server) listNotificationRules(w http.ResponseWriter, r *http.Request) error {
	uid, err := me(r)
	if err != nil {
		return err
	}
	rules, err := s.notify.Rules(r.Context(), uid)
	if err != nil {
		return err
	}
	out := notificationRuleList{Rules: []NotificationRule{}, Plan: map[string][]PlannedStep{}}
	for _, ru := range rules {
		out.Rules = append(out.Rules, NotificationRule{ID: ru.ID, ContactMethodID: ru.ContactID, Urgency: string(ru.Urgency), DelayMinutes: int(ru.Delay / time.Minute)})
	}
	for _, u := range []notification.Urgency{notification.High, notification.Low} {
		steps, err := s.notify.Preview(r.Context(), uid, u)
		if err != nil {
			return err
		}
		plan := []PlannedStep{}
		for _, st := range steps {
			plan = append(plan, PlannedStep{ContactMethodID: st.Contact.ID, Kind: string(st.Contact.Kind), Name: st.Contact.Name, DelayMinutes: int(st.Delay / time.Minute), Default: st.Default})
		}
		out.Plan[string(u)] = plan
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) postNotificationRule(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[ruleBody](w, r)
	if err != nil {
		return err
	}
	ru, err := s.notify.AddRule(r.Context(), notification.Rule{ContactID: in.ContactMethodID, Urgency: notification.Urgency(in.Urgency), Delay: time.Duration(in.DelayMinutes) * time.Minute})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, NotificationRule{ID: ru.ID, ContactMethodID: ru.ContactID, Urgency: string(ru.Urgency), DelayMinutes: in.DelayMinutes})
}

func (s *server) deleteNotificationRule(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "rule", "rule")
	if err != nil {
		return err
	}
	if err := s.notify.RemoveRule(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) getNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	uid, err := me(r)
	if err != nil {
		return err
	}
	set, err := s.notify.Settings(r.Context(), uid)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsBody{DigestMinutes: int(set.DigestEvery / time.Minute)})
}

func (s *server) putNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[settingsBody](w, r)
	if err != nil {
		return err
	}
	set, err := s.notify.SaveSettings(r.Context(), notification.Settings{DigestEvery: time.Duration(in.DigestMinutes) * time.Minute})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, settingsBody{DigestMinutes: int(set.DigestEvery / time.Minute)})
}

func (s *server) deliveries(w http.ResponseWriter, r *http.Request, uid int64) error {
	if err := checkQuery(r, "limit"); err != nil {
		return err
	}
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return apperr.Invalid("limit", "must be a number from 1 to 500")
		}
		limit = n
	}
	ds, err := s.notify.History(r.Context(), uid, limit)
	if err != nil {
		return err
	}
	out := notificationDeliveryList{Deliveries: []DeliveryOut{}}
	for _, d := range ds {
		out.Deliveries = append(out.Deliveries, deliveryOut(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) listMyDeliveries(w http.ResponseWriter, r *http.Request) error {
	uid, err := me(r)
	if err != nil {
		return err
	}
	return s.deliveries(w, r, uid)
}

func (s *server) listUserDeliveries(w http.ResponseWriter, r *http.Request) error {
	uid, err := s.userIDOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.deliveries(w, r, uid)
}
