package httpapi

import (
	"net/http"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/catalog"
)

// teamList is every team.
type teamList struct {
	Teams []catalog.Team `json:"teams"`
}

// serviceList is the service catalog.
type serviceList struct {
	Services []catalog.Service `json:"services"`
}

// listTeams lists every team.
func (s *server) listTeams(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	teams, err := s.catalog.ListTeams(r.Context())
	if err != nil {
		return err
	}
	if teams == nil {
		teams = []catalog.Team{}
	}
	return writeJSON(w, http.StatusOK, teamList{teams})
}

// postTeam adds a team (admins).
func (s *server) postTeam(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[catalog.TeamInput](w, r)
	if err != nil {
		return err
	}
	t, err := s.catalog.CreateTeam(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/teams/"+strconv.FormatInt(t.ID, 10))
	return writeJSON(w, http.StatusCreated, t)
}

// getTeam returns one team.
func (s *server) getTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	t, err := s.catalog.GetTeam(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// patchTeam renames or redescribes a team (admins).
func (s *server) patchTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	p, err := decodeJSON[catalog.TeamPatch](w, r)
	if err != nil {
		return err
	}
	t, err := s.catalog.UpdateTeam(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// deleteTeam removes a team (admins).
func (s *server) deleteTeam(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	if err := s.catalog.DeleteTeam(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// membersBody is PUT /teams/{id}/members: the complete new member list.
type membersBody struct {
	UserIDs *[]int64 `json:"user_ids"`
}

// putTeamMembers replaces the members of a team (admins).
func (s *server) putTeamMembers(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	body, err := decodeJSON[membersBody](w, r)
	if err != nil {
		return err
	}
	if body.UserIDs == nil {
		return invalidRequired("user_ids", "the complete list of member user ids ([] for none)")
	}
	t, err := s.catalog.SetTeamMembers(r.Context(), id, *body.UserIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// listServices lists the service catalog.
func (s *server) listServices(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	svcs, err := s.catalog.ListServices(r.Context())
	if err != nil {
		return err
	}
	if svcs == nil {
		svcs = []catalog.Service{}
	}
	return writeJSON(w, http.StatusOK, serviceList{svcs})
}

// postService adds a service (admins).
func (s *server) postService(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[catalog.ServiceInput](w, r)
	if err != nil {
		return err
	}
	svc, err := s.catalog.CreateService(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/services/"+strconv.FormatInt(svc.ID, 10))
	return writeJSON(w, http.StatusCreated, svc)
}

// getService returns one service.
func (s *server) getService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "service")
	if err != nil {
		return err
	}
	svc, err := s.catalog.GetService(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, svc)
}

// patchService changes a service (admins).
func (s *server) patchService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "service")
	if err != nil {
		return err
	}
	p, err := decodeJSON[catalog.ServicePatch](w, r)
	if err != nil {
		return err
	}
	svc, err := s.catalog.UpdateService(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, svc)
}

// deleteService removes a service from the catalog (admins).
func (s *server) deleteService(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "service")
	if err != nil {
		return err
	}
	if err := s.catalog.DeleteService(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
