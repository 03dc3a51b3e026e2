package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// Pages: the list (open, mine, all, per service), a page with its timeline
// and its actions, and the page a signed link from an email or SMS opens.

type pageListView struct {
	Pages   []pageRow
	Filter  string // open, mine, all
	Service string
	CanAct  bool
}

type pageRow struct {
	paging.Page
	AckedByName string
}

type pageDetailView struct {
	Page     paging.Page
	Timeline []timelineRow
	Steps    []stepRow
	Users    []pickOption
	Policies []paging.Policy
	CanAct   bool
	AckedBy  string
	Version  int64 // for the live stream: see pageLive
}

type timelineRow struct {
	paging.Event
	Who string
}

type stepRow struct {
	Number  int
	Targets string
	Delay   int
	Current bool
}

type pickOption struct {
	ID    int64
	Label string
}

// names maps user ids to names for display; an unreadable list shows ids.
func (s *server) userNames(ctx context.Context) map[int64]string {
	users, err := s.auth.ListUsers(ctx)
	out := map[int64]string{}
	if err != nil {
		return out
	}
	for _, u := range users {
		out[u.ID] = u.Name
	}
	return out
}

func pageUserName(names map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := names[id]; ok {
		return n
	}
	return "user " + strconv.FormatInt(id, 10)
}

func (s *server) pageList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := pageListView{Filter: q.Get("show"), Service: q.Get("service"), CanAct: actor(r).Can(access.Responder)}
	f := paging.Filter{Limit: 100}
	switch v.Filter {
	case "all":
	case "mine":
		f.UserID = actor(r).UserID
	default:
		v.Filter, f.Open = "open", true
	}
	if v.Service != "" {
		svc, err := s.catalog.ServiceByName(ctx, v.Service)
		if err != nil {
			return err
		}
		f.ServiceID = svc.ID
	}
	pages, err := s.paging.List(ctx, f)
	if err != nil {
		return err
	}
	names := s.userNames(ctx)
	for _, p := range pages {
		v.Pages = append(v.Pages, pageRow{Page: p, AckedByName: pageUserName(names, p.AckedBy)})
	}
	s.render(w, r, http.StatusOK, "pages", page{Title: "Pages", Nav: "oncall", Data: v})
	return nil
}

func (s *server) pageDetail(w http.ResponseWriter, r *http.Request) error {
	return s.showPageDetail(w, r, http.StatusOK, nil)
}

func (s *server) showPageDetail(w http.ResponseWriter, r *http.Request, status int, b *banner) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	p, err := s.paging.Get(ctx, id)
	if err != nil {
		return err
	}
	events, err := s.paging.Timeline(ctx, id)
	if err != nil {
		return err
	}
	names := s.userNames(ctx)
	v := pageDetailView{Page: p, CanAct: actor(r).Can(access.Responder) && p.Open(), AckedBy: pageUserName(names, p.AckedBy), Version: pageVersion(p)}
	for _, e := range events {
		who := pageUserName(names, e.UserID)
		if who == "" {
			who = pageUserName(names, e.ActorID)
		}
		v.Timeline = append(v.Timeline, timelineRow{Event: e, Who: who})
	}
	tn := s.targetNames(ctx)
	for i, st := range p.Policy.Steps {
		v.Steps = append(v.Steps, stepRow{Number: i + 1, Targets: tn.format(st.Targets), Delay: st.DelayMinutes,
			Current: p.Last != nil && p.Last.Step == i})
	}
	if v.CanAct {
		for id, n := range names {
			v.Users = append(v.Users, pickOption{ID: id, Label: n})
		}
		sortOptions(v.Users)
		if v.Policies, err = s.paging.Policies(ctx); err != nil {
			return err
		}
	}
	s.render(w, r, status, "page", page{Title: "Page " + strconv.FormatInt(p.ID, 10), Nav: "oncall", Banner: b, Data: v})
	return nil
}

// pageAction runs an action from the page's buttons and comes back to it.
func (s *server) pageAction(do func(ctx context.Context, r *http.Request, id int64) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return errNotFoundPage
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		if err := do(r.Context(), r, id); err != nil {
			if !onForm(err) {
				return err
			}
			return s.showPageDetail(w, r, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
		}
		target := "/pages/" + strconv.FormatInt(id, 10)
		if back := r.PostForm.Get("back"); back == "list" {
			target = "/pages"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
}

func (s *server) ackPage(ctx context.Context, r *http.Request, id int64) error {
	_, err := s.paging.Acknowledge(ctx, id)
	return err
}

func (s *server) resolvePage(ctx context.Context, r *http.Request, id int64) error {
	_, err := s.paging.Resolve(ctx, id)
	return err
}

func (s *server) escalatePage(ctx context.Context, r *http.Request, id int64) error {
	_, err := s.paging.EscalateNow(ctx, id)
	return err
}

func (s *server) reassignPage(ctx context.Context, r *http.Request, id int64) error {
	to := r.PostForm.Get("to") // "user:7" or "policy:3"
	kind, num, _ := strings.Cut(to, ":")
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return apperr.Invalid("to", "choose a person or a policy to hand the page to")
	}
	if kind == "policy" {
		_, err = s.paging.Reassign(ctx, id, 0, n)
	} else {
		_, err = s.paging.Reassign(ctx, id, n, 0)
	}
	return err
}

// The signed one-time links of notices. GET only shows what the link will
// do: mail scanners and link previews fetch links, and must not
// acknowledge a page by looking at it. The button POSTs.

type pageLinkView struct {
	Token  string
	Action string
	Page   paging.Page
	Done   bool
}

func (s *server) pageLinkForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	l, err := s.paging.ParseLink(r.Context(), token)
	if err != nil {
		return err
	}
	p, err := s.paging.Get(access.With(r.Context(), access.System), l.PageID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "page_link", page{Title: l.Action.Label() + " page", Data: pageLinkView{Token: token, Action: l.Action.Label(), Page: p}})
	return nil
}

func (s *server) pageLinkUse(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	who := access.Actor{Name: "link", Source: "link " + r.RemoteAddr}
	p, l, err := s.paging.UseLink(r.Context(), token, who)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "page_link", page{Title: "Done", Data: pageLinkView{Action: l.Action.Label(), Page: p, Done: true}})
	return nil
}

// public wraps a page that needs no sign-in (the signed links).
func (s *server) public(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}
