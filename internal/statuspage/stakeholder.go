package statuspage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// SendStakeholderUpdate sends an internal update about an incident to every
// internal channel (through the job queue) and records it on the timeline.
// Same permission as public updates.
func (s *Service) SendStakeholderUpdate(ctx context.Context, number int64, body string) (StakeholderUpdate, error) {
	var out StakeholderUpdate
	body, err := checkText("body", body, maxBody, true)
	if err != nil {
		return out, err
	}
	_, err = s.incidents.RecordAlongside(ctx, number, func(itx incident.Tx, a access.Actor, inc *incident.Incident, now time.Time) (incident.Event, error) {
		if !MayCommunicate(a, inc) {
			return incident.Event{}, apperr.Forbidden("only the Communications Manager or the Incident Manager of %s (or an admin) may send its stakeholder updates", inc.Ref())
		}
		tx, err := s.store.Within(itx)
		if err != nil {
			return incident.Event{}, err
		}
		out = StakeholderUpdate{IncidentNumber: number, Body: body, ActorName: a.Name, CreatedAt: now}
		if err := tx.AddStakeholderUpdate(ctx, &out); err != nil {
			return incident.Event{}, err
		}
		if err := tx.Enqueue(ctx, StakeholderJob{UpdateID: out.ID}); err != nil {
			return incident.Event{}, err
		}
		return incident.Event{Kind: incident.EventStakeholderUpdate, Note: body, After: map[string]any{"stakeholder_update": out.ID}}, nil
	})
	return out, err
}

// StakeholderUpdates lists an incident's internal updates, newest first.
func (s *Service) StakeholderUpdates(ctx context.Context, number int64) ([]StakeholderUpdate, error) {
	if _, err := s.incidents.Get(ctx, number); err != nil {
		return nil, err
	}
	return s.store.StakeholderUpdates(ctx, number)
}

// Channels lists the internal channels; admins only.
func (s *Service) Channels(ctx context.Context) ([]Channel, error) {
	if _, err := need(ctx, access.Admin, "listing internal channels"); err != nil {
		return nil, err
	}
	return s.store.Channels(ctx)
}

// AddChannel adds an internal channel (an email list or a webhook); admins
// only. The answer carries a webhook's signing secret once.
func (s *Service) AddChannel(ctx context.Context, kind SubscriberKind, address, name string) (Channel, error) {
	a, err := need(ctx, access.Admin, "adding internal channels")
	if err != nil {
		return Channel{}, err
	}
	addr, err := CheckAddress(kind, address)
	if err != nil {
		return Channel{}, err
	}
	if name, err = checkText("name", name, maxName, false); err != nil {
		return Channel{}, err
	}
	c := Channel{Kind: kind, Address: addr, Name: name}
	if kind == ByWebhook {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		c.Secret = hex.EncodeToString(b)
	}
	err = s.write(ctx, a, "statuspage.channel.add", string(kind)+" "+addr, nil, func(tx Tx, now time.Time) error {
		c.CreatedAt = now
		return tx.SaveChannel(ctx, &c)
	})
	return c, err
}

// RemoveChannel deletes an internal channel; admins only.
func (s *Service) RemoveChannel(ctx context.Context, id int64) error {
	a, err := need(ctx, access.Admin, "removing internal channels")
	if err != nil {
		return err
	}
	return s.write(ctx, a, "statuspage.channel.remove", "channel "+strconv.FormatInt(id, 10), nil, func(tx Tx, _ time.Time) error {
		return tx.DeleteChannel(ctx, id)
	})
}
