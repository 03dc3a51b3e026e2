package incident

import (
	"slices"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Role is a responsibility a person holds in one incident.
type Role string

// The incident roles of the process.
const (
	FirstResponder        Role = "first_responder"        // reacts first to the input event; one at a time
	IncidentManager       Role = "incident_manager"       // drives the incident and appoints the others; one at a time
	DomainExpert          Role = "domain_expert"          // analyses and mitigates; several
	CommunicationsManager Role = "communications_manager" // writes internal and external communication; one at a time
)

// Roles lists every role in the order the UI shows them.
var AllRoles = []Role{IncidentManager, FirstResponder, DomainExpert, CommunicationsManager}

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case FirstResponder:
		return "First Responder"
	case IncidentManager:
		return "Incident Manager"
	case DomainExpert:
		return "Domain Expert"
	case CommunicationsManager:
		return "Communications Manager"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Person is a user as the role rules see them.
type Person struct {
	ID    int64
	Name  string
	Level access.Level
}

// holder returns the single holder of r (zero when vacant); not for DomainExpert.
func (r *Roles) holder(role Role) *int64 {
	switch role {
	case FirstResponder:
		return &r.FirstResponder
	case IncidentManager:
		return &r.IncidentManager
	case CommunicationsManager:
		return &r.CommunicationsManager
	}
	return nil
}

// isIMOrAdmin reports whether the actor leads this incident or is an admin.
func (inc *Incident) isIMOrAdmin(a access.Actor) bool {
	return a.IsAdmin() || (a.UserID != 0 && inc.Roles.IncidentManager == a.UserID)
}

// AssignRole gives role to p. Anyone with the responder permission may take
// the Incident Manager or First Responder role for themselves while it is
// vacant; only the current Incident Manager or an admin appoints Domain
// Experts and the Communications Manager, replaces a holder, or hands over
// the Incident Manager role.
func (inc *Incident) AssignRole(a access.Actor, role Role, p Person, now time.Time) ([]Event, error) {
	if err := inc.checkChangeable(a); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, apperr.Invalid("role", "unknown role %q; use one of incident_manager, first_responder, domain_expert, communications_manager", role)
	}
	if p.Level < access.Responder {
		return nil, apperr.Invalid("user_id", "%s is a viewer; only people with the responder permission can hold an incident role", p.Name)
	}
	var previous int64
	switch role {
	case DomainExpert:
		if !inc.isIMOrAdmin(a) {
			return nil, apperr.Forbidden("only the Incident Manager or an admin can appoint a Domain Expert")
		}
		if slices.Contains(inc.Roles.DomainExperts, p.ID) {
			return nil, apperr.Conflict("%s is already a Domain Expert on %s", p.Name, inc.Ref())
		}
		inc.Roles.DomainExperts = append(inc.Roles.DomainExperts, p.ID)
	default:
		slot := inc.Roles.holder(role)
		previous = *slot
		if previous == p.ID {
			return nil, apperr.Conflict("%s is already the %s of %s", p.Name, role.Label(), inc.Ref())
		}
		takesVacant := previous == 0 && p.ID == a.UserID && (role == IncidentManager || role == FirstResponder)
		if !takesVacant && !inc.isIMOrAdmin(a) {
			switch {
			case role == IncidentManager && previous != 0:
				return nil, apperr.Forbidden("only the current Incident Manager or an admin can hand over the Incident Manager role")
			case role == IncidentManager || role == FirstResponder:
				return nil, apperr.Forbidden("while the %s role is vacant you can take it yourself; appointing someone else needs the Incident Manager or an admin", role.Label())
			default:
				return nil, apperr.Forbidden("only the Incident Manager or an admin can appoint the %s", role.Label())
			}
		}
		*slot = p.ID
	}
	inc.involve(p.ID)
	inc.involve(a.UserID)
	ev := inc.event(a, EventRoleAssigned, now)
	ev.After = map[string]any{"role": string(role), "user_id": p.ID, "user_name": p.Name}
	if previous != 0 {
		ev.Before = map[string]any{"role": string(role), "user_id": previous}
	}
	return []Event{ev}, nil
}

// UnassignRole removes userID from role. The Incident Manager or an admin may
// remove anyone; a holder may also step down from their own role.
func (inc *Incident) UnassignRole(a access.Actor, role Role, userID int64, now time.Time) ([]Event, error) {
	if err := inc.checkChangeable(a); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, apperr.Invalid("role", "unknown role %q", role)
	}
	self := userID == a.UserID
	if !self && !inc.isIMOrAdmin(a) {
		return nil, apperr.Forbidden("only the Incident Manager or an admin can remove someone from the %s role", role.Label())
	}
	if role == DomainExpert {
		i := slices.Index(inc.Roles.DomainExperts, userID)
		if i < 0 {
			return nil, apperr.NotFound("that Domain Expert")
		}
		inc.Roles.DomainExperts = slices.Delete(inc.Roles.DomainExperts, i, i+1)
	} else {
		slot := inc.Roles.holder(role)
		if *slot != userID || userID == 0 {
			return nil, apperr.Invalid("user_id", "that person does not hold the %s role", role.Label())
		}
		*slot = 0
	}
	inc.involve(a.UserID)
	ev := inc.event(a, EventRoleRemoved, now)
	ev.Before = map[string]any{"role": string(role), "user_id": userID}
	return []Event{ev}, nil
}
