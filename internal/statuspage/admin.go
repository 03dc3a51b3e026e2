package statuspage

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// PageInput holds the fields of a page that people set.
type PageInput struct {
	Slug        *string `json:"slug,omitempty"`
	Name        *string `json:"name,omitempty"`
	Host        *string `json:"host,omitempty"`
	LogoURL     *string `json:"logo_url,omitempty"`
	TimeZone    *string `json:"time_zone,omitempty"`
	SupportText *string `json:"support_text,omitempty"`
	Position    *int    `json:"position,omitempty"`
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	hostRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$`)
	// reservedSlugs are path segments of the default page's own pages.
	reservedSlugs = map[string]bool{"incidents": true, "history": true, "maintenance": true, "subscribe": true,
		"unsubscribe": true, "confirm": true, "static": true, "api": true, "feed.atom": true, "feed.rss": true}
)

func (in PageInput) apply(p *Page) error {
	var err error
	if in.Slug != nil {
		v := strings.ToLower(strings.TrimSpace(*in.Slug))
		if !slugRE.MatchString(v) || reservedSlugs[v] {
			return apperr.Invalid("slug", "must be 1–40 lowercase letters, digits or dashes and not a reserved word, not %q", *in.Slug)
		}
		p.Slug = v
	}
	if in.Name != nil {
		if p.Name, err = checkText("name", *in.Name, maxName, true); err != nil {
			return err
		}
	}
	if in.Host != nil {
		v := strings.ToLower(strings.TrimSpace(*in.Host))
		if v != "" && !hostRE.MatchString(v) {
			return apperr.Invalid("host", "%q is not a host name like status.example.com", *in.Host)
		}
		p.Host = v
	}
	if in.LogoURL != nil {
		v := strings.TrimSpace(*in.LogoURL)
		if v != "" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "data:image/") && !strings.HasPrefix(v, "/") {
			return apperr.Invalid("logo_url", "must be an https URL, a path on this server or a data:image URL")
		}
		if len(v) > 200000 {
			return apperr.Invalid("logo_url", "is too large (at most 200 kB)")
		}
		p.LogoURL = v
	}
	if in.TimeZone != nil {
		v := strings.TrimSpace(*in.TimeZone)
		if _, err := time.LoadLocation(v); err != nil || v == "" || v == "Local" {
			return apperr.Invalid("time_zone", "%q is not an IANA time zone like Europe/Berlin", *in.TimeZone)
		}
		p.TimeZone = v
	}
	if in.SupportText != nil {
		if p.SupportText, err = checkText("support_text", *in.SupportText, 2000, false); err != nil {
			return err
		}
	}
	if in.Position != nil {
		p.Position = *in.Position
	}
	return nil
}

// CreatePage adds a status page; admins only.
func (s *Service) CreatePage(ctx context.Context, in PageInput) (Page, error) {
	a, err := need(ctx, access.Admin, "creating status pages")
	if err != nil {
		return Page{}, err
	}
	p := Page{TimeZone: "UTC"}
	if in.Slug == nil || in.Name == nil {
		return p, apperr.Invalid(map[bool]string{true: "slug", false: "name"}[in.Slug == nil], "is required")
	}
	if err := in.apply(&p); err != nil {
		return p, err
	}
	err = s.write(ctx, a, "statuspage.page.create", "status page "+p.Slug, nil, func(tx Tx, now time.Time) error {
		p.CreatedAt, p.UpdatedAt = now, now
		return tx.SavePage(ctx, &p)
	})
	return p, err
}

// UpdatePage changes fields of a page; admins only.
func (s *Service) UpdatePage(ctx context.Context, id int64, in PageInput) (Page, error) {
	a, err := need(ctx, access.Admin, "changing status pages")
	if err != nil {
		return Page{}, err
	}
	p, err := s.store.Page(ctx, id)
	if err != nil {
		return p, err
	}
	if p.Slug == DefaultSlug && in.Slug != nil && *in.Slug != DefaultSlug {
		return p, apperr.Invalid("slug", "the default page keeps its slug")
	}
	if err := in.apply(&p); err != nil {
		return p, err
	}
	err = s.write(ctx, a, "statuspage.page.update", "status page "+p.Slug, nil, func(tx Tx, now time.Time) error {
		p.UpdatedAt = now
		return tx.SavePage(ctx, &p)
	})
	return p, err
}

// DeletePage removes a page with everything on it; the default page stays.
func (s *Service) DeletePage(ctx context.Context, id int64) error {
	a, err := need(ctx, access.Admin, "deleting status pages")
	if err != nil {
		return err
	}
	p, err := s.store.Page(ctx, id)
	if err != nil {
		return err
	}
	if p.Slug == DefaultSlug {
		return apperr.Invalid("slug", "the default page cannot be deleted")
	}
	return s.write(ctx, a, "statuspage.page.delete", "status page "+p.Slug, nil, func(tx Tx, _ time.Time) error {
		return tx.DeletePage(ctx, id)
	})
}

// GroupInput holds the fields of a component group.
type GroupInput struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Position    *int    `json:"position,omitempty"`
}

func (in GroupInput) apply(g *Group) error {
	var err error
	if in.Name != nil {
		if g.Name, err = checkText("name", *in.Name, maxName, true); err != nil {
			return err
		}
	}
	if in.Description != nil {
		if g.Description, err = checkText("description", *in.Description, 2000, false); err != nil {
			return err
		}
	}
	if in.Position != nil {
		g.Position = *in.Position
	}
	return nil
}

// SaveGroup creates (id 0) or changes a component group; admins only.
func (s *Service) SaveGroup(ctx context.Context, pageID, id int64, in GroupInput) (Group, error) {
	a, err := need(ctx, access.Admin, "managing component groups")
	if err != nil {
		return Group{}, err
	}
	g := Group{PageID: pageID}
	if id != 0 {
		if g, err = s.group(ctx, pageID, id); err != nil {
			return g, err
		}
	} else if in.Name == nil {
		return g, apperr.Invalid("name", "is required")
	}
	if _, err := s.store.Page(ctx, pageID); err != nil {
		return g, err
	}
	if err := in.apply(&g); err != nil {
		return g, err
	}
	err = s.write(ctx, a, "statuspage.group.save", "component group "+g.Name, nil, func(tx Tx, _ time.Time) error {
		return tx.SaveGroup(ctx, &g)
	})
	return g, err
}

func (s *Service) group(ctx context.Context, pageID, id int64) (Group, error) {
	groups, err := s.store.Groups(ctx, pageID)
	if err != nil {
		return Group{}, err
	}
	for _, g := range groups {
		if g.ID == id {
			return g, nil
		}
	}
	return Group{}, apperr.NotFound("component group " + strconv.FormatInt(id, 10) + " of this page")
}

// DeleteGroup removes a group; its components stay, ungrouped.
func (s *Service) DeleteGroup(ctx context.Context, pageID, id int64) error {
	a, err := need(ctx, access.Admin, "managing component groups")
	if err != nil {
		return err
	}
	g, err := s.group(ctx, pageID, id)
	if err != nil {
		return err
	}
	return s.write(ctx, a, "statuspage.group.delete", "component group "+g.Name, nil, func(tx Tx, _ time.Time) error {
		return tx.DeleteGroup(ctx, id)
	})
}

// ComponentInput holds the fields of a component.
type ComponentInput struct {
	Name        *string          `json:"name,omitempty"`
	Description *string          `json:"description,omitempty"`
	GroupID     *int64           `json:"group_id,omitempty"` // 0: no group
	Status      *ComponentStatus `json:"status,omitempty"`
	Position    *int             `json:"position,omitempty"`
	Services    *[]string        `json:"services,omitempty"`
}

// SaveComponent creates (id 0) or changes a component. Admins manage
// components; a responder may only change a component's status.
func (s *Service) SaveComponent(ctx context.Context, pageID, id int64, in ComponentInput) (Component, error) {
	a, err := need(ctx, access.Responder, "changing components")
	if err != nil {
		return Component{}, err
	}
	onlyStatus := in.Name == nil && in.Description == nil && in.GroupID == nil && in.Position == nil && in.Services == nil
	if !a.IsAdmin() && (!onlyStatus || id == 0) {
		return Component{}, apperr.Forbidden("managing components needs the admin permission; responders may change a component's status")
	}
	if _, err := s.store.Page(ctx, pageID); err != nil {
		return Component{}, err
	}
	if id == 0 && in.Name == nil {
		return Component{}, apperr.Invalid("name", "is required")
	}
	if in.Status != nil && !in.Status.Valid() {
		return Component{}, apperr.Invalid("status", "must be one of operational, degraded_performance, partial_outage, major_outage, under_maintenance, not %q", *in.Status)
	}
	if in.Services != nil && s.catalog != nil {
		for _, sv := range *in.Services {
			if sv = strings.TrimSpace(sv); sv == "" {
				continue
			}
			ok, err := s.catalog.ServiceExists(ctx, sv)
			if err != nil {
				return Component{}, err
			}
			if !ok {
				return Component{}, apperr.Invalid("services", "there is no service named %q in the catalog", sv)
			}
		}
	}
	if in.GroupID != nil && *in.GroupID != 0 {
		if _, err := s.group(ctx, pageID, *in.GroupID); err != nil {
			return Component{}, apperr.Invalid("group_id", "there is no group %d on this page", *in.GroupID)
		}
	}
	var c Component
	err = s.write(ctx, a, "statuspage.component.save", "component", in, func(tx Tx, now time.Time) error {
		if id != 0 {
			if c, err = tx.ComponentForUpdate(ctx, id); err != nil {
				return err
			}
			if c.PageID != pageID {
				return apperr.NotFound("component " + strconv.FormatInt(id, 10) + " of this page")
			}
		} else {
			c = Component{PageID: pageID, Status: Operational, Services: []string{}, CreatedAt: now}
		}
		if in.Name != nil {
			if c.Name, err = checkText("name", *in.Name, maxName, true); err != nil {
				return err
			}
		}
		if in.Description != nil {
			if c.Description, err = checkText("description", *in.Description, 2000, false); err != nil {
				return err
			}
		}
		if in.GroupID != nil {
			c.GroupID = *in.GroupID
		}
		if in.Status != nil {
			c.Status = *in.Status
		}
		if in.Position != nil {
			c.Position = *in.Position
		}
		if in.Services != nil {
			c.Services = []string{}
			for _, sv := range *in.Services {
				if sv = strings.TrimSpace(sv); sv != "" {
					c.Services = append(c.Services, sv)
				}
			}
		}
		c.UpdatedAt = now
		return tx.SaveComponent(ctx, &c)
	})
	return c, err
}

// DeleteComponent removes a component and its history; admins only.
func (s *Service) DeleteComponent(ctx context.Context, pageID, id int64) error {
	a, err := need(ctx, access.Admin, "deleting components")
	if err != nil {
		return err
	}
	return s.write(ctx, a, "statuspage.component.delete", "component "+strconv.FormatInt(id, 10), nil, func(tx Tx, _ time.Time) error {
		c, err := tx.ComponentForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if c.PageID != pageID {
			return apperr.NotFound("component " + strconv.FormatInt(id, 10) + " of this page")
		}
		return tx.DeleteComponent(ctx, id)
	})
}
