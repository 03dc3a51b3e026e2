package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/catalog"
)

func TestTeams(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var team catalog.Team
		got := e.ok(t, req{method: "POST", path: "/api/v1/teams", token: e.admin.token, body: map[string]any{
			"name": "Payments", "description": "Card and wallet payments", "members": []int64{e.ann.ID},
		}}, 201, &team)
		path := fmt.Sprintf("/api/v1/teams/%d", team.ID)
		if team.Name != "Payments" || !slices.Equal(team.Members, []int64{e.ann.ID}) || got.header.Get("Location") != path {
			t.Fatalf("created %+v %v", team, got.header)
		}
		e.ok(t, req{method: "PATCH", path: path, token: e.admin.token, body: map[string]any{"description": "Payments, all of them"}}, 200, &team)
		if team.Description != "Payments, all of them" {
			t.Errorf("patched %+v", team)
		}
		e.ok(t, req{method: "PUT", path: path + "/members", token: e.admin.token, body: map[string]any{"user_ids": []int64{e.bob.ID, e.ann.ID}}}, 200, &team)
		if !slices.Equal(team.Members, []int64{e.ann.ID, e.bob.ID}) {
			t.Errorf("members %v", team.Members)
		}
		var one catalog.Team
		e.ok(t, req{method: "GET", path: path, token: e.vic.token}, 200, &one)
		if one.Description != team.Description || !slices.Equal(one.Members, team.Members) {
			t.Errorf("read back %+v", one)
		}
		var list struct {
			Teams []catalog.Team `json:"teams"`
		}
		e.ok(t, req{method: "GET", path: "/api/v1/teams", token: e.vic.token}, 200, &list)
		if len(list.Teams) != 1 || list.Teams[0].ID != team.ID {
			t.Fatalf("teams %+v", list.Teams)
		}

		// Refusals leave the team as it was.
		e.fails(t, req{method: "POST", path: "/api/v1/teams", token: e.ann.token, body: map[string]any{"name": "Rogue"}}, 403, "only admins")
		e.fails(t, req{method: "PATCH", path: path, token: e.vic.token, body: map[string]any{"name": "Hijacked"}}, 403, "only admins")
		e.fails(t, req{method: "PUT", path: path + "/members", token: e.ann.token, body: map[string]any{"user_ids": []int64{}}}, 403, "only admins")
		e.fails(t, req{method: "DELETE", path: path, token: e.ann.token}, 403, "only admins")
		e.fails(t, req{method: "POST", path: "/api/v1/teams", token: e.admin.token, body: map[string]any{"name": "Payments"}}, 409, `a team named "Payments" already exists`)
		e.fails(t, req{method: "POST", path: "/api/v1/teams", token: e.admin.token, body: map[string]any{"name": ""}}, 400, "name")
		e.fails(t, req{method: "PUT", path: path + "/members", token: e.admin.token, body: map[string]any{"members": []int64{1}}}, 400, `unknown field "members"`, `"user_ids"`)
		e.fails(t, req{method: "PUT", path: path + "/members", token: e.admin.token, body: map[string]any{}}, 400, "user_ids", "required")
		e.fails(t, req{method: "PUT", path: path + "/members", token: e.admin.token, body: map[string]any{"user_ids": []any{"ann"}}}, 400, `the items of field "user_ids" must be integers, not a string`)
		e.fails(t, req{method: "PUT", path: path + "/members", token: e.admin.token, body: map[string]any{"user_ids": "ann"}}, 400, `field "user_ids" must be an array, not a string`)
		e.fails(t, req{method: "PUT", path: path + "/members", token: e.admin.token, body: map[string]any{"user_ids": []int64{9999}}}, 400)
		e.fails(t, req{method: "GET", path: "/api/v1/teams/9999", token: e.ann.token}, 404, "9999")
		e.fails(t, req{method: "GET", path: "/api/v1/teams/payments", token: e.ann.token}, 404, "team ids are positive numbers")
		e.ok(t, req{method: "GET", path: path, token: e.vic.token}, 200, &one)
		if one.Name != "Payments" || !slices.Equal(one.Members, []int64{e.ann.ID, e.bob.ID}) {
			t.Fatalf("a refused write changed the team: %+v", one)
		}

		e.ok(t, req{method: "DELETE", path: path, token: e.admin.token}, 204, nil)
		e.fails(t, req{method: "GET", path: path, token: e.ann.token}, 404)
		e.fails(t, req{method: "DELETE", path: path, token: e.admin.token}, 404)
	})
}

func TestServices(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		team, err := e.cat.CreateTeam(e.ctx(e.admin), catalog.TeamInput{Name: "Core"})
		if err != nil {
			t.Fatal(err)
		}
		var svc catalog.Service
		got := e.ok(t, req{method: "POST", path: "/api/v1/services", token: e.admin.token, body: map[string]any{
			"name": "api-gateway", "description": "The public API", "owner_team_id": team.ID,
			"links": []map[string]string{{"title": "Runbook", "url": "https://wiki.example.com/gw"}},
		}}, 201, &svc)
		path := fmt.Sprintf("/api/v1/services/%d", svc.ID)
		if svc.Name != "api-gateway" || svc.OwnerTeam != "Core" || len(svc.Links) != 1 || got.header.Get("Location") != path {
			t.Fatalf("created %+v %v", svc, got.header)
		}
		svc = catalog.Service{}
		e.ok(t, req{method: "PATCH", path: path, token: e.admin.token, body: map[string]any{"owner_team_id": 0, "description": "Edge"}}, 200, &svc)
		if svc.OwnerTeamID != 0 || svc.OwnerTeam != "" || svc.Description != "Edge" {
			t.Errorf("patched %+v", svc)
		}
		var list struct {
			Services []catalog.Service `json:"services"`
		}
		e.ok(t, req{method: "GET", path: "/api/v1/services", token: e.vic.token}, 200, &list)
		if len(list.Services) != 1 || list.Services[0].Name != "api-gateway" {
			t.Fatalf("services %+v", list.Services)
		}
		// Incidents may now name it; unknown services are refused.
		e.declare(t, e.ann, map[string]any{"title": "Gateway 502s", "services": []string{"api-gateway"}})
		p := e.fails(t, req{method: "POST", path: "/api/v1/incidents", token: e.ann.token, body: map[string]any{"title": "x", "services": []string{"nope"}}}, 400, `no service named "nope"`)
		if p.Field != "services" {
			t.Errorf("field %q", p.Field)
		}

		e.fails(t, req{method: "POST", path: "/api/v1/services", token: e.ann.token, body: map[string]any{"name": "rogue"}}, 403, "only admins")
		e.fails(t, req{method: "POST", path: "/api/v1/services", token: e.admin.token, body: map[string]any{"name": "api-gateway"}}, 409, "already exists")
		e.fails(t, req{method: "POST", path: "/api/v1/services", token: e.admin.token, body: map[string]any{"name": "x", "owner_team_id": 9999}}, 400, "team 9999 does not exist")
		e.fails(t, req{method: "POST", path: "/api/v1/services", token: e.admin.token, body: map[string]any{"name": "x", "owner_team_id": "Core"}}, 400, `field "owner_team_id" must be an integer, not a string`)
		e.fails(t, req{method: "POST", path: "/api/v1/services", token: e.admin.token, body: map[string]any{"name": "x", "links": []map[string]any{{"title": "t", "href": "https://x"}}}}, 400, `unknown field "links[0].href"`, `"title", "url"`)
		e.fails(t, req{method: "PATCH", path: path, token: e.vic.token, body: map[string]any{"name": "renamed"}}, 403)
		e.fails(t, req{method: "DELETE", path: path, token: e.ann.token}, 403)
		e.fails(t, req{method: "GET", path: "/api/v1/services/9999", token: e.ann.token}, 404)
		e.ok(t, req{method: "GET", path: path, token: e.vic.token}, 200, &svc)
		if svc.Name != "api-gateway" {
			t.Fatalf("a refused write changed the service: %+v", svc)
		}
		if _, err := e.cat.ServiceByName(e.ctx(e.admin), "x"); err == nil {
			t.Fatal("a refused create made service x")
		}

		e.ok(t, req{method: "DELETE", path: path, token: e.admin.token}, 204, nil)
		e.fails(t, req{method: "GET", path: path, token: e.ann.token}, 404)
	})
}
