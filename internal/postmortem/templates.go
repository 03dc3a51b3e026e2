package postmortem

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Templates lists the stored templates; when none is stored, the built-in
// default is listed with ID 0.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	ts, err := s.store.Templates(ctx)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		ts = []Template{{Name: "Blameless (built in)", Body: DefaultTemplate, Default: true}}
	}
	return ts, nil
}

// SaveTemplate creates (ID 0) or changes a template; admins only.
func (s *Service) SaveTemplate(ctx context.Context, t Template) (*Template, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() {
		return nil, apperr.Forbidden("editing postmortem templates needs the admin permission")
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 100 {
		return nil, apperr.Invalid("name", "a template needs a name of at most 100 characters")
	}
	if strings.TrimSpace(t.Body) == "" || utf8.RuneCountInString(t.Body) > 100000 {
		return nil, apperr.Invalid("body", "a template needs a body of at most 100,000 characters")
	}
	t.Body = strings.ReplaceAll(t.Body, "\r\n", "\n")
	now := s.now().UTC()
	err = s.store.InTx(ctx, func(tx Tx) error {
		if t.ID == 0 {
			t.CreatedAt = now
		}
		t.UpdatedAt, t.UpdatedBy = now, a.UserID
		if err := tx.SaveTemplate(ctx, &t); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "postmortem.template.save", "template "+itoa(t.ID), map[string]any{"name": t.Name, "default": t.Default}))
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// DeleteTemplate deletes a template; admins only.
func (s *Service) DeleteTemplate(ctx context.Context, id int64) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		return apperr.Forbidden("editing postmortem templates needs the admin permission")
	}
	now := s.now().UTC()
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.DeleteTemplate(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "postmortem.template.delete", "template "+itoa(id), nil))
	})
}
