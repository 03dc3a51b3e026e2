package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/store"
)

func TestTeams(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s)
		cat := catalog.NewCatalog(s.Catalog(), clk.Now)
		ann, err := users.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "responder"})
		must(t, err)
		bob, err := users.CreateUser(actx, auth.UserInput{Handle: "bob", Email: "bob@example.com", Level: "viewer"})
		must(t, err)

		var team catalog.Team
		expectOneAudit(t, s, "team.create", func() {
			team, err = cat.CreateTeam(actx, catalog.TeamInput{Name: " payments ", Description: "Money in, money out", Members: []int64{bob.ID, ann.ID, bob.ID}})
			must(t, err)
		})
		if team.Name != "payments" || !slices.Equal(team.Members, sorted(ann.ID, bob.ID)) {
			t.Fatalf("created = %+v", team)
		}
		got, err := cat.GetTeam(ctxFor(t, users, bob), team.ID)
		must(t, err)
		if got.Name != "payments" || got.Description != "Money in, money out" || !slices.Equal(got.Members, team.Members) || !got.CreatedAt.Equal(team.CreatedAt) {
			t.Fatalf("GetTeam = %+v, want %+v", got, team)
		}

		expectNoAudit(t, s, func() {
			_, err = cat.CreateTeam(actx, catalog.TeamInput{Name: "payments"})
			wantCode(t, err, apperr.CodeConflict)
			if err.Error() != `a team named "payments" already exists` {
				t.Fatalf("conflict message = %q", err)
			}
			_, err = cat.CreateTeam(actx, catalog.TeamInput{Name: ""})
			wantCode(t, err, apperr.CodeInvalid)
			_, err = cat.CreateTeam(actx, catalog.TeamInput{Name: strings.Repeat("x", 101)})
			wantCode(t, err, apperr.CodeInvalid)
			_, err = cat.CreateTeam(actx, catalog.TeamInput{Name: "ghosts", Members: []int64{9999}})
			wantCode(t, err, apperr.CodeInvalid)
			_, err = cat.CreateTeam(as(viewerActor), catalog.TeamInput{Name: "viewers"})
			wantCode(t, err, apperr.CodeForbidden)
			_, err = cat.CreateTeam(as(responderActor), catalog.TeamInput{Name: "responders"})
			wantCode(t, err, apperr.CodeForbidden)
			_, err = cat.CreateTeam(context.Background(), catalog.TeamInput{Name: "nobody"})
			wantCode(t, err, apperr.CodeUnauthenticated)
			_, err = cat.ListTeams(context.Background())
			wantCode(t, err, apperr.CodeUnauthenticated)
		})

		other, err := cat.CreateTeam(actx, catalog.TeamInput{Name: "platform"})
		must(t, err)
		taken := "payments"
		_, err = cat.UpdateTeam(actx, other.ID, catalog.TeamPatch{Name: &taken})
		wantCode(t, err, apperr.CodeConflict)

		name, desc := "billing", "Invoices"
		expectOneAudit(t, s, "team.update", func() {
			got, err = cat.UpdateTeam(actx, team.ID, catalog.TeamPatch{Name: &name, Description: &desc})
			must(t, err)
		})
		if got.Name != "billing" || got.Description != "Invoices" || !slices.Equal(got.Members, team.Members) {
			t.Fatalf("updated = %+v", got)
		}
		expectOneAudit(t, s, "team.members", func() {
			got, err = cat.SetTeamMembers(actx, team.ID, []int64{ann.ID})
			must(t, err)
		})
		list, err := cat.ListTeams(as(viewerActor))
		must(t, err)
		if len(list) != 2 || list[0].Name != "billing" || !slices.Equal(list[0].Members, []int64{ann.ID}) || list[1].Name != "platform" || len(list[1].Members) != 0 {
			t.Fatalf("ListTeams = %+v", list)
		}
		// Deleting a user removes their memberships.
		must(t, users.DeleteUser(actx, ann.ID))
		got, err = cat.GetTeam(actx, team.ID)
		must(t, err)
		if len(got.Members) != 0 {
			t.Fatalf("members after user delete = %v", got.Members)
		}

		expectOneAudit(t, s, "team.delete", func() { must(t, cat.DeleteTeam(actx, team.ID)) })
		_, err = cat.GetTeam(actx, team.ID)
		wantCode(t, err, apperr.CodeNotFound)
		wantCode(t, cat.DeleteTeam(actx, team.ID), apperr.CodeNotFound)
	})
}

func sorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}
