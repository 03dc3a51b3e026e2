package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
)

// Teams and services: everyone reads them; admins change them (the catalog
// service enforces it; the pages only hide the forms).

// teamForm is the team form as typed.
type teamForm struct {
	Name        string
	Description string
	Members     []int64
}

// teamsView is the data of the team list and of one team's page.
type teamsView struct {
	Teams    []teamRow
	Team     *catalog.Team // the team of a team page
	Form     teamForm
	People   []auth.User
	CanEdit  bool
	Services map[int64][]string // owned service names by team id
}

type teamRow struct {
	Team     catalog.Team
	Members  []string
	Services []string
}

func (s *server) teamList(w http.ResponseWriter, r *http.Request) error {
	return s.showTeams(w, r, http.StatusOK, teamForm{}, nil)
}

func (s *server) showTeams(w http.ResponseWriter, r *http.Request, status int, f teamForm, b *banner) error {
	v, err := s.teamsData(r)
	if err != nil {
		return err
	}
	v.Form = f
	s.render(w, r, status, "teams", page{Title: "Teams", Nav: "catalog", Banner: b, Data: v})
	return nil
}

func (s *server) teamsData(r *http.Request) (teamsView, error) {
	ctx := r.Context()
	teams, err := s.catalog.ListTeams(ctx)
	if err != nil {
		return teamsView{}, err
	}
	svcs, err := s.catalog.ListServices(ctx)
	if err != nil {
		return teamsView{}, err
	}
	users, err := s.auth.ListUsers(ctx)
	if err != nil {
		return teamsView{}, err
	}
	byID := map[int64]auth.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	owned := map[int64][]string{}
	for _, sv := range svcs {
		if sv.OwnerTeamID != 0 {
			owned[sv.OwnerTeamID] = append(owned[sv.OwnerTeamID], sv.Name)
		}
	}
	v := teamsView{People: users, CanEdit: actor(r).IsAdmin(), Services: owned}
	for _, t := range teams {
		row := teamRow{Team: t, Services: owned[t.ID]}
		for _, m := range t.Members {
			row.Members = append(row.Members, nameOf(byID, m))
		}
		v.Teams = append(v.Teams, row)
	}
	return v, nil
}

func readTeamForm(r *http.Request) (teamForm, error) {
	if err := r.ParseForm(); err != nil {
		return teamForm{}, apperr.Invalid("", "the form could not be read")
	}
	f := teamForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	for _, m := range r.PostForm["members"] {
		id, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			return f, apperr.Invalid("members", "%q is not a person", m)
		}
		f.Members = append(f.Members, id)
	}
	return f, nil
}

func (s *server) createTeam(w http.ResponseWriter, r *http.Request) error {
	f, err := readTeamForm(r)
	if err == nil {
		_, err = s.catalog.CreateTeam(r.Context(), catalog.TeamInput{Name: f.Name, Description: f.Description, Members: f.Members})
	}
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showTeams(w, r, statusOf(apperr.CodeOf(err)), f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/teams", http.StatusSeeOther)
	return nil
}

func (s *server) teamPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "team")
	if err != nil {
		return err
	}
	return s.showTeam(w, r, id, http.StatusOK, nil, nil)
}

func (s *server) showTeam(w http.ResponseWriter, r *http.Request, id int64, status int, f *teamForm, b *banner) error {
	t, err := s.catalog.GetTeam(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := s.teamsData(r)
	if err != nil {
		return err
	}
	v.Team = &t
	v.Form = teamForm{Name: t.Name, Description: t.Description, Members: t.Members}
	if f != nil {
		v.Form = *f
	}
	s.render(w, r, status, "team", page{Title: t.Name, Nav: "catalog", Banner: b, Data: v})
	return nil
}

func (s *server) updateTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "team")
	if err != nil {
		return err
	}
	f, err := readTeamForm(r)
	if err == nil {
		_, err = s.catalog.UpdateTeam(r.Context(), id, catalog.TeamPatch{Name: &f.Name, Description: &f.Description})
	}
	if err == nil {
		members := f.Members
		if members == nil {
			members = []int64{}
		}
		_, err = s.catalog.SetTeamMembers(r.Context(), id, members)
	}
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showTeam(w, r, id, statusOf(apperr.CodeOf(err)), &f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/teams", http.StatusSeeOther)
	return nil
}

func (s *server) deleteTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "team")
	if err != nil {
		return err
	}
	if err := s.catalog.DeleteTeam(r.Context(), id); err != nil {
		if !onForm(err) {
			return err
		}
		return s.showTeam(w, r, id, statusOf(apperr.CodeOf(err)), nil, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/teams", http.StatusSeeOther)
	return nil
}

// serviceForm is the service form as typed.
type serviceForm struct {
	Name        string
	Description string
	OwnerTeamID int64
	Links       string // one "Title | URL" per line
}

// servicesView is the data of the service list and of one service's page.
type servicesView struct {
	Services []catalog.Service
	Service  *catalog.Service
	Teams    []catalog.Team
	Form     serviceForm
	CanEdit  bool
}

func (s *server) serviceList(w http.ResponseWriter, r *http.Request) error {
	return s.showServices(w, r, http.StatusOK, serviceForm{}, nil)
}

func (s *server) servicesData(r *http.Request) (servicesView, error) {
	svcs, err := s.catalog.ListServices(r.Context())
	if err != nil {
		return servicesView{}, err
	}
	teams, err := s.catalog.ListTeams(r.Context())
	if err != nil {
		return servicesView{}, err
	}
	return servicesView{Services: svcs, Teams: teams, CanEdit: actor(r).IsAdmin()}, nil
}

func (s *server) showServices(w http.ResponseWriter, r *http.Request, status int, f serviceForm, b *banner) error {
	v, err := s.servicesData(r)
	if err != nil {
		return err
	}
	v.Form = f
	s.render(w, r, status, "services", page{Title: "Services", Nav: "catalog", Banner: b, Data: v})
	return nil
}

func readServiceForm(r *http.Request) (serviceForm, []catalog.Link, error) {
	f := serviceForm{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Links: r.PostFormValue("links")}
	if t := r.PostFormValue("owner_team_id"); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return f, nil, apperr.Invalid("owner_team_id", "choose a team")
		}
		f.OwnerTeamID = id
	}
	links := []catalog.Link{}
	for i, line := range strings.Split(f.Links, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		title, u, ok := strings.Cut(line, "|")
		if !ok {
			title, u = "", line
		}
		title, u = strings.TrimSpace(title), strings.TrimSpace(u)
		if title == "" {
			title = u
		}
		if u == "" {
			return f, nil, apperr.Invalid("links", "line %d of the links: write it as Title | https://…", i+1)
		}
		links = append(links, catalog.Link{Title: title, URL: u})
	}
	return f, links, nil
}

func (s *server) createService(w http.ResponseWriter, r *http.Request) error {
	f, links, err := readServiceForm(r)
	if err == nil {
		_, err = s.catalog.CreateService(r.Context(), catalog.ServiceInput{Name: f.Name, Description: f.Description, OwnerTeamID: f.OwnerTeamID, Links: links})
	}
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showServices(w, r, statusOf(apperr.CodeOf(err)), f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/services", http.StatusSeeOther)
	return nil
}

func (s *server) servicePage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "service")
	if err != nil {
		return err
	}
	return s.showService(w, r, id, http.StatusOK, nil, nil)
}

func (s *server) showService(w http.ResponseWriter, r *http.Request, id int64, status int, f *serviceForm, b *banner) error {
	sv, err := s.catalog.GetService(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := s.servicesData(r)
	if err != nil {
		return err
	}
	v.Service = &sv
	var links []string
	for _, l := range sv.Links {
		links = append(links, fmt.Sprintf("%s | %s", l.Title, l.URL))
	}
	v.Form = serviceForm{Name: sv.Name, Description: sv.Description, OwnerTeamID: sv.OwnerTeamID, Links: strings.Join(links, "\n")}
	if f != nil {
		v.Form = *f
	}
	s.render(w, r, status, "service", page{Title: sv.Name, Nav: "catalog", Banner: b, Data: v})
	return nil
}

func (s *server) updateService(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "service")
	if err != nil {
		return err
	}
	f, links, err := readServiceForm(r)
	if err == nil {
		_, err = s.catalog.UpdateService(r.Context(), id, catalog.ServicePatch{Name: &f.Name, Description: &f.Description, OwnerTeamID: &f.OwnerTeamID, Links: &links})
	}
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showService(w, r, id, statusOf(apperr.CodeOf(err)), &f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/services", http.StatusSeeOther)
	return nil
}

func (s *server) deleteService(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "service")
	if err != nil {
		return err
	}
	if err := s.catalog.DeleteService(r.Context(), id); err != nil {
		if !onForm(err) {
			return err
		}
		return s.showService(w, r, id, statusOf(apperr.CodeOf(err)), nil, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/services", http.StatusSeeOther)
	return nil
}
