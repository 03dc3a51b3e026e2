package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// TestEveryMethodAgainstServer calls each client method against a real
// in-process server, so a route, field name or answer shape that drifts from
// the API fails here (the server decodes strictly: an unknown field is refused).
func TestEveryMethodAgainstServer(t *testing.T) {
	s := apptest.Start(t)
	ctx := context.Background()
	c := client.New(s.URL, s.AdminToken, nil)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	me, err := c.Me(ctx)
	must(err)
	if me.Handle != "admin" || me.Level != "admin" {
		t.Errorf("me %+v", me)
	}
	scale, err := c.Severities(ctx)
	must(err)
	if len(scale) != 4 || scale[0].Name != "SEV1" {
		t.Errorf("severities %+v", scale)
	}

	// People.
	bob, err := c.CreateUser(ctx, client.UserInput{Handle: "bob", Name: "Bob", Email: "bob@example.com", Level: "responder", Password: "correct horse battery staple"})
	must(err)
	got, err := c.User(ctx, bob.ID)
	must(err)
	if got.Handle != "bob" || got.Level != "responder" || got.TimeZone != "UTC" {
		t.Errorf("user %+v", got)
	}
	tz, level := "Europe/Vienna", "admin"
	got, err = c.UpdateUser(ctx, bob.ID, client.UserPatch{TimeZone: &tz, Level: &level})
	must(err)
	if got.TimeZone != tz || got.Level != "admin" {
		t.Errorf("updated user %+v", got)
	}
	users, err := c.Users(ctx)
	must(err)
	if len(users) != 2 {
		t.Errorf("users %+v", users)
	}

	// Login and tokens.
	login, err := client.New(s.URL, "", nil).Login(ctx, "bob@example.com", "correct horse battery staple", "cli@test")
	must(err)
	if login.User.ID != bob.ID || login.Token == "" {
		t.Errorf("login %+v", login.User)
	}
	bobClient := client.New(s.URL, login.Token, nil)
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	created, err := bobClient.CreateToken(ctx, "ci", &expires)
	must(err)
	if created.Secret == "" || created.Token.Name != "ci" || created.Token.ExpiresAt == nil || !created.Token.ExpiresAt.Equal(expires) {
		t.Errorf("created token %+v", created.Token)
	}
	tokens, err := bobClient.Tokens(ctx)
	must(err)
	if len(tokens) != 3 || tokens[0].UserHandle != "bob" { // bob is an admin now: every token
		t.Errorf("tokens %+v", tokens)
	}
	must(bobClient.RevokeToken(ctx, created.Token.ID))
	if _, err := client.New(s.URL, created.Secret, nil).Me(ctx); !client.IsStatus(err, http.StatusUnauthorized) {
		t.Errorf("revoked token: %v", err)
	}

	// Catalog.
	team, err := c.CreateTeam(ctx, client.TeamInput{Name: "Payments", Members: []int64{bob.ID}})
	must(err)
	name := "Billing"
	team, err = c.UpdateTeam(ctx, team.ID, client.TeamPatch{Name: &name})
	must(err)
	team, err = c.SetTeamMembers(ctx, team.ID, []int64{me.ID, bob.ID})
	must(err)
	if team.Name != "Billing" || len(team.Members) != 2 {
		t.Errorf("team %+v", team)
	}
	if team, err = c.Team(ctx, team.ID); err != nil || len(team.Members) != 2 {
		t.Errorf("team %+v, %v", team, err)
	}
	svc, err := c.CreateService(ctx, client.ServiceInput{Name: "api", OwnerTeamID: team.ID, Links: []client.Link{{Title: "Runbook", URL: "https://wiki.example.com/api"}}})
	must(err)
	desc := "Public API"
	svc, err = c.UpdateService(ctx, svc.ID, client.ServicePatch{Description: &desc})
	must(err)
	if svc, err = c.Service(ctx, svc.ID); err != nil || svc.OwnerTeam != "Billing" || svc.Description != desc || len(svc.Links) != 1 {
		t.Errorf("service %+v, %v", svc, err)
	}
	web, err := c.CreateService(ctx, client.ServiceInput{Name: "web"})
	must(err)
	must(c.DeleteService(ctx, web.ID))
	svcs, err := c.Services(ctx)
	must(err)
	if len(svcs) != 1 {
		t.Errorf("services %+v", svcs)
	}

	// An incident's life.
	inc, err := c.DeclareIncident(ctx, incident.DeclareInput{Title: "Checkout fails", Severity: "SEV2", Services: []string{"api"}, TakeManager: true})
	must(err)
	if inc.Ref != "INC-1" || inc.Roles.IncidentManager != me.ID || inc.People[me.ID].Handle != "admin" {
		t.Errorf("declared %+v", inc)
	}
	inc, err = c.AssignRole(ctx, 1, inc.Version, incident.DomainExpert, client.UserRef{Handle: "bob"})
	must(err)
	inc, err = c.AssignRole(ctx, 1, inc.Version, incident.CommunicationsManager, client.UserRef{ID: bob.ID})
	must(err)
	inc, err = c.UnassignRole(ctx, 1, inc.Version, incident.CommunicationsManager, client.UserRef{Handle: "bob"})
	must(err)
	if len(inc.Roles.DomainExperts) != 1 || inc.Roles.CommunicationsManager != 0 {
		t.Errorf("roles %+v", inc.Roles)
	}
	sev := "SEV1"
	stale := inc.Version
	inc, err = c.UpdateIncident(ctx, 1, inc.Version, incident.Patch{Severity: &sev})
	must(err)
	_, err = c.UpdateIncident(ctx, 1, stale, incident.Patch{Severity: &sev})
	var p *client.Problem
	if !errors.As(err, &p) || !p.Stale() || len(p.Current) == 0 {
		t.Errorf("stale update: %v", err)
	}
	_, err = c.ChangeStage(ctx, 1, inc.Version, incident.Closed, "")
	if !errors.As(err, &p) || p.Status != http.StatusBadRequest || p.Field != "stage" {
		t.Errorf("refused stage: %v", err)
	}
	inc, err = c.ChangeStage(ctx, 1, inc.Version, incident.Resolved, "rolled back")
	must(err)
	_, err = c.AddNote(ctx, 1, "all good", true)
	must(err)
	page, err := c.ListIncidents(ctx, client.IncidentFilter{Stages: []string{"resolved"}, Severities: []string{"sev1"}, Service: "api", Limit: 5})
	must(err)
	if len(page.Incidents) != 1 || page.Incidents[0].Stage != incident.Resolved {
		t.Errorf("list %+v", page)
	}
	events, err := c.Timeline(ctx, 1)
	must(err)
	if len(events) != 7 || len(incident.KeyMoments(events)) != 1 {
		t.Errorf("timeline has %d events: %+v", len(events), events)
	}
	if _, err := c.Incident(ctx, 99); !client.IsStatus(err, http.StatusNotFound) {
		t.Errorf("missing incident: %v", err)
	}

	// Removals.
	must(c.DeleteTeam(ctx, team.ID))
	viewer, _ := s.User(t, "vic", "Vic", access.Viewer, "")
	must(c.DeleteUser(ctx, viewer.ID))
	if _, err := c.User(ctx, viewer.ID); !client.IsStatus(err, http.StatusNotFound) {
		t.Errorf("deleted user: %v", err)
	}
}
