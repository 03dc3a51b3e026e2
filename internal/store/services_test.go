package store_test

import (
	"context"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/store"
)

func TestServices(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		_, clk, actx, _ := newAuth(t, s)
		cat := catalog.NewCatalog(s.Catalog(), clk.Now)
		team, err := cat.CreateTeam(actx, catalog.TeamInput{Name: "payments"})
		must(t, err)

		var svc catalog.Service
		expectOneAudit(t, s, "service.create", func() {
			svc, err = cat.CreateService(actx, catalog.ServiceInput{Name: "Checkout API", Description: "Takes orders", OwnerTeamID: team.ID,
				Links: []catalog.Link{{Title: "Runbook", URL: "https://wiki.example.com/checkout"}}})
			must(t, err)
		})
		got, err := cat.GetService(as(viewerActor), svc.ID)
		must(t, err)
		if got.Name != "Checkout API" || got.OwnerTeamID != team.ID || got.OwnerTeam != "payments" ||
			len(got.Links) != 1 || got.Links[0].URL != "https://wiki.example.com/checkout" || !got.UpdatedAt.Equal(svc.UpdatedAt) {
			t.Fatalf("GetService = %+v", got)
		}
		byName, err := cat.ServiceByName(actx, "Checkout API")
		must(t, err)
		if byName.ID != svc.ID {
			t.Fatalf("ServiceByName = %+v", byName)
		}
		ok, err := cat.ServiceExists(as(viewerActor), "Checkout API")
		must(t, err)
		if !ok {
			t.Fatal("ServiceExists = false")
		}
		ok, err = cat.ServiceExists(as(viewerActor), "Nope")
		must(t, err)
		if ok {
			t.Fatal("ServiceExists(Nope) = true")
		}

		expectNoAudit(t, s, func() {
			_, err = cat.CreateService(actx, catalog.ServiceInput{Name: "Checkout API"})
			wantCode(t, err, apperr.CodeConflict)
			if err.Error() != `a service named "Checkout API" already exists` {
				t.Fatalf("conflict message = %q", err)
			}
			for _, in := range []catalog.ServiceInput{
				{Name: ""},
				{Name: "x", OwnerTeamID: 9999},
				{Name: "x", Links: []catalog.Link{{Title: "bad", URL: "/relative"}}},
				{Name: "x", Links: []catalog.Link{{Title: "bad", URL: "javascript:alert(1)"}}},
				{Name: "x", Links: []catalog.Link{{Title: "bad", URL: "ftp://example.com/x"}}},
			} {
				_, err = cat.CreateService(actx, in)
				wantCode(t, err, apperr.CodeInvalid)
			}
			_, err = cat.CreateService(as(responderActor), catalog.ServiceInput{Name: "mine"})
			wantCode(t, err, apperr.CodeForbidden)
			_, err = cat.ServiceExists(context.Background(), "Checkout API")
			wantCode(t, err, apperr.CodeUnauthenticated)
		})

		name, none := "Checkout", int64(0)
		links := []catalog.Link{}
		expectOneAudit(t, s, "service.update", func() {
			got, err = cat.UpdateService(actx, svc.ID, catalog.ServicePatch{Name: &name, OwnerTeamID: &none, Links: &links})
			must(t, err)
		})
		if got.Name != "Checkout" || got.OwnerTeamID != 0 || got.OwnerTeam != "" || len(got.Links) != 0 {
			t.Fatalf("updated = %+v", got)
		}
		got, err = cat.UpdateService(actx, svc.ID, catalog.ServicePatch{OwnerTeamID: &team.ID})
		must(t, err)
		if got.OwnerTeam != "payments" {
			t.Fatalf("owner after update = %q", got.OwnerTeam)
		}

		// Deleting the owning team leaves the service without an owner.
		must(t, cat.DeleteTeam(actx, team.ID))
		got, err = cat.GetService(actx, svc.ID)
		must(t, err)
		if got.OwnerTeamID != 0 || got.OwnerTeam != "" {
			t.Fatalf("owner after team delete = %+v", got)
		}
		list, err := cat.ListServices(actx)
		must(t, err)
		if len(list) != 1 || list[0].Name != "Checkout" {
			t.Fatalf("ListServices = %+v", list)
		}

		expectOneAudit(t, s, "service.delete", func() { must(t, cat.DeleteService(actx, svc.ID)) })
		_, err = cat.GetService(actx, svc.ID)
		wantCode(t, err, apperr.CodeNotFound)
		_, err = cat.ServiceByName(actx, "Checkout")
		wantCode(t, err, apperr.CodeNotFound)
	})
}
