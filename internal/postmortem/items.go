package postmortem

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// ItemInput creates or changes an action item; nil fields of a change stay.
type ItemInput struct {
	Title        *string     `json:"title"`
	Description  *string     `json:"description"`
	OwnerID      *int64      `json:"owner_id"`
	TeamID       *int64      `json:"team_id"`
	Important    *bool       `json:"important"`
	Urgent       *bool       `json:"urgent"`
	Due          *time.Time  `json:"due"` // default for important+urgent: the policy's limit
	Status       *ItemStatus `json:"status"`
	Labels       *[]string   `json:"labels"`
	ProductOwner *string     `json:"product_owner"`
}

// Label names every action item carries.
const LabelActionItem = "pm-action-item"

// IncidentLabel is the label naming the incident: inc-<n>.
func IncidentLabel(number int64) string { return "inc-" + itoa(number) }

// Items lists action items.
func (s *Service) Items(ctx context.Context, f ItemFilter) ([]ActionItem, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	return s.store.Items(ctx, f)
}

// Item reads one action item.
func (s *Service) Item(ctx context.Context, id int64) (*ActionItem, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Item(ctx, id)
}

// AddItem captures an action item (in the meeting or after it).
func (s *Service) AddItem(ctx context.Context, number int64, in ItemInput) (*ActionItem, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := responder(a); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var out *ActionItem
	err = s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if pm.Status == Waived {
			return apperr.Conflict("the postmortem of %s was waived", incident.Ref(number))
		}
		m, err := tx.MeetingForUpdate(ctx, number)
		if err != nil {
			return err
		}
		it := &ActionItem{Number: number, Status: ItemOpen, CreatedBy: a.UserID, CreatedAt: now, Version: 1}
		if err := s.apply(it, in, m, now); err != nil {
			return err
		}
		if err := tx.SaveItem(ctx, it); err != nil {
			return err
		}
		out = it
		return s.itemWritten(ctx, tx, it, "postmortem.item.create", now)
	})
	return out, err
}

// UpdateItem changes an action item; version is the version the caller read (0: do not check).
func (s *Service) UpdateItem(ctx context.Context, id, version int64, in ItemInput) (*ActionItem, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var out *ActionItem
	err = s.store.InTx(ctx, func(tx Tx) error {
		it, err := tx.ItemForUpdate(ctx, id)
		if err != nil {
			return err
		}
		// The owner may move their own item along; everything else needs a responder.
		if !a.Can(access.Responder) && !(a.UserID != 0 && a.UserID == it.OwnerID && onlyStatus(in)) {
			return apperr.Forbidden("changing action items needs the responder permission")
		}
		if version != 0 && it.Version != version {
			return apperr.Stale("action item "+itoa(id)+" was changed by someone else (you edited version "+itoa(version)+", it is now at "+itoa(it.Version)+"); reload it", it)
		}
		m, err := tx.MeetingForUpdate(ctx, it.Number)
		if err != nil {
			return err
		}
		if err := s.apply(it, in, m, now); err != nil {
			return err
		}
		it.Version++
		if err := tx.SaveItem(ctx, it); err != nil {
			return err
		}
		out = it
		return s.itemWritten(ctx, tx, it, "postmortem.item.update", now)
	})
	return out, err
}

// Done marks an item done (the owner or a responder).
func (s *Service) Done(ctx context.Context, id int64) (*ActionItem, error) {
	st := ItemDone
	return s.UpdateItem(ctx, id, 0, ItemInput{Status: &st})
}

func onlyStatus(in ItemInput) bool {
	return in.Status != nil && in.Title == nil && in.Description == nil && in.OwnerID == nil && in.TeamID == nil &&
		in.Important == nil && in.Urgent == nil && in.Due == nil && in.Labels == nil && in.ProductOwner == nil
}

// apply validates and writes the input into it under the due-date policy.
func (s *Service) apply(it *ActionItem, in ItemInput, m *Meeting, now time.Time) error {
	prevDue, prevPO := it.Due, it.ProductOwner
	if in.Title != nil {
		it.Title = strings.TrimSpace(*in.Title)
	}
	if it.Title == "" {
		return apperr.Invalid("title", "an action item needs a title")
	}
	if utf8.RuneCountInString(it.Title) > 200 {
		return apperr.Invalid("title", "is longer than 200 characters")
	}
	if in.Description != nil {
		it.Description = strings.TrimSpace(*in.Description)
		if utf8.RuneCountInString(it.Description) > 20000 {
			return apperr.Invalid("description", "is longer than 20,000 characters")
		}
	}
	if in.OwnerID != nil {
		it.OwnerID = *in.OwnerID
	}
	if in.TeamID != nil {
		it.TeamID = *in.TeamID
	}
	if in.Important != nil {
		it.Important = *in.Important
	}
	if in.Urgent != nil {
		it.Urgent = *in.Urgent
	}
	if in.ProductOwner != nil {
		it.ProductOwner = strings.TrimSpace(*in.ProductOwner)
		if utf8.RuneCountInString(it.ProductOwner) > 200 {
			return apperr.Invalid("product_owner", "is longer than 200 characters")
		}
	}
	if in.Due != nil {
		it.Due = in.Due.UTC()
		if !it.Due.Equal(prevDue) {
			it.OwnerReminded, it.IMReminded = nil, nil // a new due date earns new reminders
		}
	} else if it.Due.IsZero() && it.Priority() {
		it.Due = s.policy.DefaultDue(m, now)
	}
	if err := s.policy.CheckDue(it, m, now); err != nil {
		return err
	}
	if !it.Priority() && (it.DueAgreedAt == nil || !prevDue.Equal(it.Due) || prevPO != it.ProductOwner) {
		it.DueAgreedAt = &now // the agreement recorded: who, and when
	}
	if it.Priority() {
		it.DueAgreedAt = nil
	}
	if in.Status != nil {
		switch *in.Status {
		case ItemOpen, ItemInProgress, ItemDone, ItemWontDo:
		default:
			return apperr.Invalid("status", "unknown status %q; use open, in_progress, done or wont_do", *in.Status)
		}
		if *in.Status == ItemDone && it.Status != ItemDone {
			it.DoneAt = &now
		}
		if *in.Status != ItemDone {
			it.DoneAt = nil
		}
		it.Status = *in.Status
	}
	labels := it.Labels
	if in.Labels != nil {
		labels = *in.Labels
	}
	it.Labels = Labels(it.Number, labels)
	for _, l := range it.Labels {
		if len(l) > 100 || strings.ContainsAny(l, " \t\n,") {
			return apperr.Invalid("labels", "label %q must be at most 100 characters, without spaces or commas", l)
		}
	}
	it.UpdatedAt = now
	return nil
}

// Labels returns the item's labels with pm-action-item and inc-<n> always
// set, trimmed, without duplicates, in order.
func Labels(number int64, labels []string) []string {
	out := []string{LabelActionItem, IncidentLabel(number)}
	for _, l := range labels {
		l = strings.TrimSpace(l)
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// itemWritten enqueues what follows a write: the tracker sync and the
// overdue reminders (at the due date, and after the grace period to the IM).
func (s *Service) itemWritten(ctx context.Context, tx Tx, it *ActionItem, action string, now time.Time) error {
	if err := tx.Enqueue(ctx, TrackJob{ItemID: it.ID}); err != nil {
		return err
	}
	if !it.Status.Closed() {
		if err := tx.Enqueue(ctx, OverdueJob{ItemID: it.ID, Due: it.Due}); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, OverdueJob{ItemID: it.ID, Due: it.Due.Add(s.policy.OverdueGrace), ToIM: true}); err != nil {
			return err
		}
	}
	return s.audit(ctx, tx, action, it.Number, map[string]any{"item": it.ID, "status": it.Status}, now)
}
