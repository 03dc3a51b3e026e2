package notification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// A person manages their own contact methods and rules; admins may read
// anyone's, to help ("why did Ana not get paged?"), but change only their own.

func actor(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok || (a.UserID == 0 && a.Source != "system") {
		return a, apperr.Unauthenticated("sign in to manage your notifications")
	}
	return a, nil
}

// self returns the acting person's id; the system actor has none.
func self(ctx context.Context) (int64, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if a.UserID == 0 {
		return 0, apperr.Forbidden("only a person has notification settings")
	}
	return a.UserID, nil
}

// mayRead checks the actor may see userID's notification settings and history.
func mayRead(ctx context.Context, userID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if a.UserID != userID && !a.IsAdmin() {
		return apperr.Forbidden("only admins may see another person's notifications")
	}
	return nil
}

// Contacts lists a person's contact methods.
func (s *Service) Contacts(ctx context.Context, userID int64) ([]Contact, error) {
	if err := mayRead(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.Contacts(ctx, userID)
}

// owned reads the actor's own contact method id.
func (s *Service) owned(ctx context.Context, id int64) (Contact, int64, error) {
	me, err := self(ctx)
	if err != nil {
		return Contact{}, 0, err
	}
	c, err := s.store.Contact(ctx, id)
	if err != nil {
		return c, me, err
	}
	if c.UserID != me {
		return c, me, apperr.NotFound(fmt.Sprintf("contact method %d", id))
	}
	return c, me, nil
}

// AddContact adds a contact method for the acting person and sends it a
// verification code; it is used once verified.
func (s *Service) AddContact(ctx context.Context, kind Kind, name, address string) (Contact, error) {
	me, err := self(ctx)
	if err != nil {
		return Contact{}, err
	}
	if _, ok := s.sender(kind); !ok {
		return Contact{}, apperr.Invalid("kind", "%q contact methods are not available here (available: %s)", kind, kindList(s.Kinds()))
	}
	addr, err := NormalizeAddress(kind, address)
	if err != nil {
		return Contact{}, err
	}
	name = strings.TrimSpace(name)
	if len(name) > 100 {
		return Contact{}, apperr.Invalid("name", "the name is longer than 100 characters")
	}
	if name == "" {
		name = string(kind)
	}
	c := Contact{UserID: me, Kind: kind, Name: name, Address: addr, CreatedAt: s.now().UTC()}
	err = s.store.InTx(ctx, func(tx Tx) error {
		mine, err := tx.Contacts(ctx, me)
		if err != nil {
			return err
		}
		unverified := 0
		for _, m := range mine {
			if !m.Verified() {
				unverified++
			}
		}
		if len(mine) >= MaxContacts {
			return apperr.Conflict("you have %d contact methods, the most one person may have; remove one first", MaxContacts)
		}
		if unverified >= MaxUnverified {
			return apperr.Conflict("you have %d contact methods waiting for their code; verify or remove one first", MaxUnverified)
		}
		if err := tx.AddContact(ctx, &c); err != nil {
			if apperr.Is(err, apperr.CodeConflict) {
				return apperr.Conflict("you already have this %s contact method", kind)
			}
			return err
		}
		return tx.Enqueue(ctx, VerifyJob{ContactID: c.ID, Nonce: c.CreatedAt.UnixNano()})
	})
	return c, err
}

func kindList(ks []Kind) string {
	var s []string
	for _, k := range ks {
		s = append(s, string(k))
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// ResendGap is how long a person waits before asking for another code.
const ResendGap = time.Minute

// Limits on one person's contact methods, so verification codes cannot be
// sprayed over many numbers.
const (
	MaxContacts   = 20
	MaxUnverified = 3
)

// ResendCode sends a fresh code to an unverified contact method of the acting
// person; the previous code stops working when the new one is made.
func (s *Service) ResendCode(ctx context.Context, id int64) error {
	c, _, err := s.owned(ctx, id)
	if err != nil {
		return err
	}
	if c.Verified() {
		return apperr.Conflict("this contact method is already verified")
	}
	now := s.now().UTC()
	if c.CodeExpiresAt != nil && now.Before(c.CodeExpiresAt.Add(-CodeLifetime).Add(ResendGap)) {
		return apperr.Conflict("a code was sent less than a minute ago; wait for it, or ask again in a minute")
	}
	if !c.MayResend(now) {
		return apperr.Conflict("%d codes were sent to this contact method today; try again tomorrow, or check the address", MaxCodesPerDay)
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		return tx.Enqueue(ctx, VerifyJob{ContactID: c.ID, Nonce: now.UnixNano()})
	})
}

// Verify checks a code for the acting person's contact method. Wrong guesses
// are counted (and kept even though the call fails); after CodeMaxAttempts
// the code is dead.
func (s *Service) Verify(ctx context.Context, id int64, code string) (Contact, error) {
	if _, _, err := s.owned(ctx, id); err != nil {
		return Contact{}, err
	}
	var out Contact
	var refused error
	err := s.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.ContactForUpdate(ctx, id)
		if err != nil {
			return err
		}
		was := c
		out, refused = CheckCode(c, code, s.now())
		if out == was {
			return nil
		}
		return tx.SaveContact(ctx, out)
	})
	if err != nil {
		return Contact{}, err
	}
	return out, refused
}

// SendCode is the worker of VerifyJob: it makes a code, stores its hash, and
// sends the code through the contact method's sender (a new attempt makes a
// new code, so a code that may not have arrived is never reused).
func (s *Service) SendCode(ctx context.Context, j VerifyJob, attempt int) error {
	var (
		c    Contact
		code string
		skip bool
	)
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		c, err = tx.ContactForUpdate(ctx, j.ContactID)
		if apperr.Is(err, apperr.CodeNotFound) || (err == nil && c.Verified()) {
			skip = true
			return nil
		}
		if err != nil {
			return err
		}
		var hash string
		code, hash, err = NewCode(c.ID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if !c.MayResend(now) {
			skip = true // the day's codes were sent (two resends raced): send no more
			return nil
		}
		exp := now.Add(CodeLifetime)
		c = c.CountSend(now)
		c.CodeHash, c.CodeExpiresAt, c.CodeAttempts = hash, &exp, 0
		return tx.SaveContact(ctx, c)
	})
	if err != nil || skip {
		return err
	}
	snd, ok := s.sender(c.Kind)
	if !ok {
		return nil // the kind is no longer configured: nothing can be sent
	}
	msg := Rendered{Key: fmt.Sprintf("verify/%d/%d/%d", c.ID, j.Nonce, attempt), Urgency: High,
		Subject: "Verification code: " + code,
		Body:    fmt.Sprintf("Your Firebreak verification code is %s. Enter it where you added this contact method (%s). It expires in %d minutes.\nIf you did not ask for it, ignore this message.", code, c.Name, int(CodeLifetime/time.Minute))}
	err = snd.Send(ctx, Target{ContactID: c.ID, UserID: c.UserID, Kind: c.Kind, Address: c.Address}, msg)
	if err != nil && IsPermanent(err) {
		s.log.Warn("verification code refused by the provider", "contact", c.ID, "err", err)
		return nil
	}
	return err
}

// RemoveContact deletes one of the acting person's contact methods and its rules.
func (s *Service) RemoveContact(ctx context.Context, id int64) error {
	if _, _, err := s.owned(ctx, id); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error { return tx.DeleteContact(ctx, id) })
}

// Test sends a test notification to one of the acting person's verified
// contact methods, through the whole pipeline (throttle included).
func (s *Service) Test(ctx context.Context, id int64) (Delivery, error) {
	c, me, err := s.owned(ctx, id)
	if err != nil {
		return Delivery{}, err
	}
	if !c.Verified() {
		return Delivery{}, apperr.Invalid("id", "verify this contact method first")
	}
	now := s.now().UTC()
	m := Message{Key: fmt.Sprintf("test/%d/%d", c.ID, now.UnixNano()), UserID: me, Urgency: High,
		Subject: "Firebreak test notification",
		Body:    fmt.Sprintf("This is a test of your contact method %q. When Firebreak pages you, it arrives like this.", c.Name)}
	d := newDelivery(0, m, c, now)
	err = s.store.InTx(ctx, func(tx Tx) error {
		added, err := tx.AddMessages(ctx, []Message{m}, now)
		if err != nil {
			return err
		}
		d.MessageID = added[m.Key]
		if err := tx.AddDelivery(ctx, &d); err != nil {
			return err
		}
		tx.AfterCommit(s.Wake)
		return nil
	})
	return d, err
}

// Rules lists a person's notification rules.
func (s *Service) Rules(ctx context.Context, userID int64) ([]Rule, error) {
	if err := mayRead(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.Rules(ctx, userID)
}

// AddRule adds a rule for the acting person on one of their contact methods.
func (s *Service) AddRule(ctx context.Context, r Rule) (Rule, error) {
	c, me, err := s.owned(ctx, r.ContactID)
	if err != nil {
		if apperr.Is(err, apperr.CodeNotFound) {
			return r, apperr.Invalid("contact_method_id", "you have no contact method %d", r.ContactID)
		}
		return r, err
	}
	r.UserID, r.ContactID = me, c.ID
	if err := r.Validate(); err != nil {
		return r, err
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		err := tx.AddRule(ctx, &r)
		if apperr.Is(err, apperr.CodeConflict) {
			return apperr.Conflict("you already have this rule")
		}
		return err
	})
	return r, err
}

// RemoveRule deletes one of the acting person's rules.
func (s *Service) RemoveRule(ctx context.Context, id int64) error {
	me, err := self(ctx)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error { return tx.DeleteRule(ctx, me, id) })
}

// Settings reads a person's settings.
func (s *Service) Settings(ctx context.Context, userID int64) (Settings, error) {
	if err := mayRead(ctx, userID); err != nil {
		return Settings{}, err
	}
	return s.store.Settings(ctx, userID)
}

// SaveSettings stores the acting person's settings.
func (s *Service) SaveSettings(ctx context.Context, set Settings) (Settings, error) {
	me, err := self(ctx)
	if err != nil {
		return set, err
	}
	set.UserID = me
	if err := set.Validate(); err != nil {
		return set, err
	}
	return set, s.store.InTx(ctx, func(tx Tx) error { return tx.SaveSettings(ctx, set) })
}

// History lists a person's latest deliveries, newest first.
func (s *Service) History(ctx context.Context, userID int64, limit int) ([]Delivery, error) {
	if err := mayRead(ctx, userID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.Deliveries(ctx, userID, limit)
}

// Preview shows what a message of urgency u would do for a person now:
// the planned steps after their rules (or the default).
func (s *Service) Preview(ctx context.Context, userID int64, u Urgency) ([]Step, error) {
	if err := mayRead(ctx, userID); err != nil {
		return nil, err
	}
	contacts, err := s.store.Contacts(ctx, userID)
	if err != nil {
		return nil, err
	}
	rules, err := s.store.Rules(ctx, userID)
	if err != nil {
		return nil, err
	}
	return Plan(u, rules, contacts), nil
}

// AddVerified adds a contact method that is verified already, for
// provisioning by Firebreak itself (tests, imports); people use AddContact.
func (s *Service) AddVerified(ctx context.Context, userID int64, kind Kind, name, address string) (Contact, error) {
	a, err := actor(ctx)
	if err != nil {
		return Contact{}, err
	}
	if a.Source != "system" {
		return Contact{}, apperr.Forbidden("only Firebreak itself may add a verified contact method")
	}
	addr, err := NormalizeAddress(kind, address)
	if err != nil {
		return Contact{}, err
	}
	now := s.now().UTC()
	c := Contact{UserID: userID, Kind: kind, Name: name, Address: addr, CreatedAt: now, VerifiedAt: &now}
	err = s.store.InTx(ctx, func(tx Tx) error { return tx.AddContact(ctx, &c) })
	return c, err
}
