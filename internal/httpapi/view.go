package httpapi

import (
	"context"
	"slices"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// incidentView is an incident as the API shows it: the record, its id as
// people write it, and the names of the people it mentions.
type incidentView struct {
	*incident.Incident
	Ref    string               `json:"ref"`    // "INC-4"
	People map[int64]personView `json:"people"` // by user id: role holders, involved people, the declarer
}

// personView is a user as named on an incident.
type personView struct {
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

func (s *server) viewIncident(ctx context.Context, inc *incident.Incident) incidentView {
	return s.viewIncidents(ctx, []*incident.Incident{inc})[0]
}

// viewIncidents adds refs and names. Names are a convenience: a person who
// cannot be looked up (deleted since) is left out rather than failing the
// answer.
func (s *server) viewIncidents(ctx context.Context, incs []*incident.Incident) []incidentView {
	var ids []int64
	for _, inc := range incs {
		ids = append(ids, peopleOf(inc)...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	dir := s.directory(ctx, ids)
	out := make([]incidentView, len(incs))
	for i, inc := range incs {
		// Lists are [] rather than null, which is kinder to clients.
		if inc.Services == nil {
			inc.Services = []string{}
		}
		if inc.Involved == nil {
			inc.Involved = []int64{}
		}
		if inc.Roles.DomainExperts == nil {
			inc.Roles.DomainExperts = []int64{}
		}
		if inc.BlastRadius.Counts == nil {
			inc.BlastRadius.Counts = []incident.Count{}
		}
		if inc.Labels == nil {
			inc.Labels = map[string]string{}
		}
		v := incidentView{Incident: inc, Ref: inc.Ref(), People: map[int64]personView{}}
		for _, id := range peopleOf(inc) {
			if p, ok := dir[id]; ok {
				v.People[id] = p
			}
		}
		out[i] = v
	}
	return out
}

func peopleOf(inc *incident.Incident) []int64 {
	ids := append(inc.Roles.Holders(), inc.Involved...)
	if inc.CreatedBy != 0 {
		ids = append(ids, inc.CreatedBy)
	}
	return slices.DeleteFunc(ids, func(id int64) bool { return id == 0 })
}

// directLookups is how many users are read one by one before reading the
// whole user list once is cheaper.
const directLookups = 8

// directory names the users ids.
func (s *server) directory(ctx context.Context, ids []int64) map[int64]personView {
	dir := make(map[int64]personView, len(ids))
	if len(ids) == 0 || s.auth == nil {
		return dir
	}
	add := func(u auth.User) { dir[u.ID] = personView{Handle: u.Handle, Name: u.Name} }
	if len(ids) <= directLookups {
		for _, id := range ids {
			u, err := s.auth.GetUser(ctx, id)
			if err == nil {
				add(u)
			} else if !apperr.Is(err, apperr.CodeNotFound) {
				s.log.DebugContext(ctx, "api: name of a person on an incident", "user_id", id, "err", err)
			}
		}
		return dir
	}
	users, err := s.auth.ListUsers(ctx)
	if err != nil {
		s.log.DebugContext(ctx, "api: names of people on incidents", "err", err)
		return dir
	}
	for _, u := range users {
		if _, want := slices.BinarySearch(ids, u.ID); want {
			add(u)
		}
	}
	return dir
}
