package postmortem

import (
	"context"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Incidents is what the postmortem Service needs of the incident core.
type Incidents interface {
	Get(ctx context.Context, number int64) (*incident.Incident, error)
	Timeline(ctx context.Context, number int64) ([]incident.Event, error)
	RecordAlongside(ctx context.Context, number int64, fn incident.AlongsideFunc) (*incident.Incident, error)
}

// People resolves users: names for the document, addresses for email.
type People interface {
	Person(ctx context.Context, userID int64) (Person, error)
}

// Components names the status-page components of affected services (the
// status-page capability); nil when there are none to show.
type Components interface {
	ComponentsOf(ctx context.Context, services []string) ([]string, error)
}

// Service is the one way postmortems, meetings, forms, action items and
// reviews change: each change checks the actor and the policy and, in one
// transaction, writes the rows, enqueues the side effects, records the
// audit entry and tells live viewers.
type Service struct {
	store      Store
	incidents  Incidents
	people     People
	components Components
	chat       ChatChannels
	paging     PagingRefs
	publisher  Publisher
	indexer    Indexer
	tracker    Tracker
	policy     Policy
	now        func() time.Time
}

// NewService builds the postmortem service; zero fields of policy take the defaults.
func NewService(store Store, incidents Incidents, people People, policy Policy, now func() time.Time) *Service {
	return &Service{store: store, incidents: incidents, people: people, policy: policy.withDefaults(), now: now}
}

// UseComponents sets where the status-page components of services come from.
func (s *Service) UseComponents(c Components) { s.components = c }

// UseChat sets the hook that tells an incident's chat channel (the chat capability).
func (s *Service) UseChat(c ChatChannels) { s.chat = c }

// UsePaging sets the hook that tells an incident's paging reference (the paging capability).
func (s *Service) UsePaging(p PagingRefs) { s.paging = p }

// UsePublisher sets the git review adapter (git mode).
func (s *Service) UsePublisher(p Publisher) { s.publisher = p }

// UseIndexer sets the search indexer called on every publish.
func (s *Service) UseIndexer(i Indexer) { s.indexer = i }

// UseTracker sets the outside tracker action items are synced to.
func (s *Service) UseTracker(t Tracker) { s.tracker = t }

// Policy returns the process rules in force.
func (s *Service) Policy() Policy { return s.policy }

func actorOf(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	return a, nil
}

// Get returns the postmortem of an incident with the incident's facts; every
// signed-in user may read it.
func (s *Service) Get(ctx context.Context, number int64) (*Doc, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	pm, err := s.store.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	facts, err := s.facts(ctx, inc)
	if err != nil {
		return nil, err
	}
	return &Doc{Postmortem: *pm, Facts: facts}, nil
}

// List returns postmortems, newest incident first; status "" lists all.
func (s *Service) List(ctx context.Context, status Status, limit int) ([]*Postmortem, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.store.List(ctx, status, limit)
}

// Versions lists every saved version of a postmortem, oldest first.
func (s *Service) Versions(ctx context.Context, number int64) ([]Version, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Versions(ctx, number)
}

// Version reads one saved version.
func (s *Service) Version(ctx context.Context, number, version int64) (Version, error) {
	if _, err := actorOf(ctx); err != nil {
		return Version{}, err
	}
	return s.store.Version(ctx, number, version)
}

// manager checks that the actor may run the process of inc: its Incident
// Manager, or an admin; when the incident has no IM, any responder.
func manager(a access.Actor, inc *incident.Incident) error {
	if a.IsAdmin() || (a.UserID != 0 && a.UserID == inc.Roles.IncidentManager) {
		return nil
	}
	if inc.Roles.IncidentManager == 0 && a.Can(access.Responder) {
		return nil
	}
	return apperr.Forbidden("only the Incident Manager of %s (or an admin) may do this", inc.Ref())
}

// responder checks that the actor may edit postmortems.
func responder(a access.Actor) error {
	if !a.Can(access.Responder) {
		return apperr.Forbidden("editing postmortems needs the responder permission")
	}
	return nil
}

// facts gathers the incident's facts for the basic-information block.
func (s *Service) facts(ctx context.Context, inc *incident.Incident) (Facts, error) {
	f := Facts{
		Ref: inc.Ref(), Title: inc.Title, Date: inc.CreatedAt, ChatChannel: inc.ChatChannel, CallLink: inc.ConferenceURL, PagingRef: inc.PagingRef,
		BlastRadius: blastText(inc.BlastRadius), Severity: inc.Severity, Duration: inc.Duration(s.now()),
		Resolved: inc.Times.Resolved, Services: append([]string{}, inc.Services...), Involved: []Person{}, Components: []string{}, Labels: []string{},
	}
	if inc.Times.Detected != nil {
		f.Date = *inc.Times.Detected
	}
	sys := access.With(ctx, access.System)
	for _, id := range inc.Involved {
		p, err := s.people.Person(sys, id)
		if err != nil {
			if apperr.CodeOf(err) == apperr.CodeNotFound {
				continue
			}
			return Facts{}, err
		}
		f.Involved = append(f.Involved, p)
		if id == inc.Roles.IncidentManager {
			im := p
			f.IncidentManager = &im
		}
	}
	if f.ChatChannel == "" && s.chat != nil {
		ch, err := s.chat.Channel(ctx, inc.Number)
		if err == nil {
			f.ChatChannel = ch
		}
	}
	if f.CallLink == "" && s.chat != nil {
		if link, err := s.chat.CallLink(ctx, inc.Number); err == nil {
			f.CallLink = link
		}
	}
	if f.PagingRef == "" && s.paging != nil {
		if ref, err := s.paging.PagingRef(ctx, inc.Number); err == nil {
			f.PagingRef = ref
		}
	}
	if s.components != nil && len(inc.Services) > 0 {
		c, err := s.components.ComponentsOf(ctx, inc.Services)
		if err != nil {
			return Facts{}, err
		}
		f.Components = c
	}
	for k, v := range inc.Labels {
		f.Labels = append(f.Labels, k+"="+v)
	}
	sortStrings(f.Labels)
	return f, nil
}

func blastText(b incident.BlastRadius) string {
	out := b.Text
	for _, c := range b.Counts {
		if out != "" {
			out += "; "
		}
		out += itoa(c.Count) + " " + humanKind(c.Kind)
	}
	return out
}
