package statuspage

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Link purposes: a signed link is good for one purpose only.
const (
	PurposeConfirm     = "confirm"
	PurposeUnsubscribe = "unsubscribe"
)

// signingKey returns the key of subscriber links, created on first use and
// kept in the database so every node and every restart signs alike.
func (s *Service) signingKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	v, ok, err := s.store.Setting(ctx, "signing_key")
	if err != nil {
		return nil, err
	}
	if !ok {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		err = s.store.InTx(ctx, func(tx Tx) error {
			// Another node may have created it first: keep theirs.
			if cur, ok, err := tx.Setting(ctx, "signing_key"); err != nil || ok {
				v = cur
				return err
			}
			v = hex.EncodeToString(b)
			return tx.SetSetting(ctx, "signing_key", v)
		})
		if err != nil {
			return nil, err
		}
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	s.key = key
	return key, nil
}

func mac(key []byte, purpose string, sub Subscriber) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose + "\x00" + strconv.FormatInt(sub.ID, 10) + "\x00" + sub.Address))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// Token signs a link for sub: "<id>.<mac>".
func (s *Service) Token(ctx context.Context, purpose string, sub Subscriber) (string, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(sub.ID, 10) + "." + mac(key, purpose, sub), nil
}

// verify checks a signed link and returns its subscriber.
func (s *Service) verify(ctx context.Context, purpose, token string) (Subscriber, error) {
	bad := apperr.Invalid("token", "this link is not valid (it may have been cut short, or the subscription is already gone)")
	idText, sig, ok := strings.Cut(token, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return Subscriber{}, bad
	}
	sub, err := s.store.Subscriber(ctx, id)
	if apperr.Is(err, apperr.CodeNotFound) {
		return Subscriber{}, bad
	}
	if err != nil {
		return Subscriber{}, err
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return Subscriber{}, err
	}
	if !hmac.Equal([]byte(sig), []byte(mac(key, purpose, sub))) {
		return Subscriber{}, bad
	}
	return sub, nil
}

// public is the actor of what visitors of the public page do.
func public(source string) access.Actor {
	return access.Actor{Handle: "public", Name: "Status page visitor", Source: "public " + source}
}

// Subscribe adds an email subscriber to a page and sends the confirmation
// email (double opt-in). Subscribing again re-sends it; it never reveals
// whether an address is already subscribed.
func (s *Service) Subscribe(ctx context.Context, pageID int64, address string, components []int64, source string) error {
	addr, err := CheckAddress(ByEmail, address)
	if err != nil {
		return err
	}
	comps, err := s.store.Components(ctx, pageID)
	if err != nil {
		return err
	}
	for _, id := range components {
		found := false
		for _, c := range comps {
			found = found || c.ID == id
		}
		if !found {
			return apperr.Invalid("components", "there is no component %d on this page", id)
		}
	}
	if components == nil {
		components = []int64{}
	}
	a := public(source)
	return s.write(ctx, a, "statuspage.subscribe", "status page "+strconv.FormatInt(pageID, 10), nil, func(tx Tx, now time.Time) error {
		sub := Subscriber{PageID: pageID, Kind: ByEmail, Address: addr, Components: components, CreatedAt: now}
		if err := tx.SaveSubscriber(ctx, &sub); err != nil {
			return err
		}
		if sub.ConfirmedAt != nil {
			return nil // already confirmed: the components were updated
		}
		return tx.Enqueue(ctx, ConfirmJob{SubscriberID: sub.ID})
	})
}

// Confirm confirms an email subscription from its signed link.
func (s *Service) Confirm(ctx context.Context, token string) (Subscriber, error) {
	sub, err := s.verify(ctx, PurposeConfirm, token)
	if err != nil || sub.ConfirmedAt != nil {
		return sub, err
	}
	err = s.write(ctx, public(""), "statuspage.subscriber.confirm", "subscriber "+strconv.FormatInt(sub.ID, 10), nil, func(tx Tx, now time.Time) error {
		sub.ConfirmedAt = &now
		return tx.SaveSubscriber(ctx, &sub)
	})
	return sub, err
}

// Unsubscribe removes a subscriber from its signed link (one click).
func (s *Service) Unsubscribe(ctx context.Context, token string) (Subscriber, error) {
	sub, err := s.verify(ctx, PurposeUnsubscribe, token)
	if err != nil {
		return sub, err
	}
	err = s.write(ctx, public(""), "statuspage.unsubscribe", "subscriber "+strconv.FormatInt(sub.ID, 10), nil, func(tx Tx, _ time.Time) error {
		return tx.DeleteSubscriber(ctx, sub.ID)
	})
	return sub, err
}

// SubscriberInput adds a subscriber by hand (admins).
type SubscriberInput struct {
	Kind       SubscriberKind `json:"kind"`
	Address    string         `json:"address"`
	Components []int64        `json:"components,omitempty"`
	Secret     string         `json:"secret,omitempty"` // webhooks: the HMAC-SHA256 signing key; generated when empty
}

// AddSubscriber adds a webhook subscriber, confirmed at once, or an email
// subscriber, who still confirms by email; admins only. The answer carries
// the webhook secret once.
func (s *Service) AddSubscriber(ctx context.Context, pageID int64, in SubscriberInput) (Subscriber, string, error) {
	a, err := need(ctx, access.Admin, "adding subscribers")
	if err != nil {
		return Subscriber{}, "", err
	}
	addr, err := CheckAddress(in.Kind, in.Address)
	if err != nil {
		return Subscriber{}, "", err
	}
	if _, err := s.store.Page(ctx, pageID); err != nil {
		return Subscriber{}, "", err
	}
	if in.Components == nil {
		in.Components = []int64{}
	}
	sub := Subscriber{PageID: pageID, Kind: in.Kind, Address: addr, Components: in.Components, Secret: in.Secret}
	if in.Kind == ByWebhook && sub.Secret == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		sub.Secret = hex.EncodeToString(b)
	}
	err = s.write(ctx, a, "statuspage.subscriber.add", "status page "+strconv.FormatInt(pageID, 10), map[string]any{"kind": in.Kind, "address": addr}, func(tx Tx, now time.Time) error {
		sub.CreatedAt = now
		if in.Kind == ByWebhook {
			sub.ConfirmedAt = &now
		}
		if err := tx.SaveSubscriber(ctx, &sub); err != nil {
			return err
		}
		if sub.ConfirmedAt == nil {
			return tx.Enqueue(ctx, ConfirmJob{SubscriberID: sub.ID})
		}
		return nil
	})
	return sub, sub.Secret, err
}

// Subscribers lists a page's subscribers; admins only (addresses are personal data).
func (s *Service) Subscribers(ctx context.Context, pageID int64) ([]Subscriber, error) {
	if _, err := need(ctx, access.Admin, "listing subscribers"); err != nil {
		return nil, err
	}
	return s.store.Subscribers(ctx, pageID)
}

// RemoveSubscriber deletes a subscriber; admins only.
func (s *Service) RemoveSubscriber(ctx context.Context, id int64) error {
	a, err := need(ctx, access.Admin, "removing subscribers")
	if err != nil {
		return err
	}
	return s.write(ctx, a, "statuspage.subscriber.remove", "subscriber "+strconv.FormatInt(id, 10), nil, func(tx Tx, _ time.Time) error {
		return tx.DeleteSubscriber(ctx, id)
	})
}

// Deliveries shows how an update reached each subscriber; admins only.
func (s *Service) Deliveries(ctx context.Context, updateID int64) ([]Delivery, error) {
	if _, err := need(ctx, access.Admin, "reading deliveries"); err != nil {
		return nil, err
	}
	return s.store.Deliveries(ctx, updateID)
}
