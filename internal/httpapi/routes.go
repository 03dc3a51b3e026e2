package httpapi

// routes is the one list of every API route: method pattern, who may call
// it, and its handler. The OpenAPI document describes exactly these (see
// openapi_ops.go; a test compares the two).
func (s *server) routes() []route {
	return []route{
		// Meta and sign-in.
		{"GET /api/v1/openapi.json", public, s.getOpenAPI},
		{"POST /api/v1/login", public, s.postLogin},
		{"GET /api/v1/me", signedIn, s.getMe},

		// Incidents.
		{"POST /api/v1/incidents", signedIn, s.postIncident},
		{"GET /api/v1/incidents", signedIn, s.listIncidents},
		{"GET /api/v1/incidents/{ref}", signedIn, s.getIncident},
		{"PATCH /api/v1/incidents/{ref}", signedIn, s.patchIncident},
		{"POST /api/v1/incidents/{ref}/stage", signedIn, s.postStage},
		{"POST /api/v1/incidents/{ref}/roles", signedIn, s.postRole},
		{"DELETE /api/v1/incidents/{ref}/roles/{role}/{user}", signedIn, s.deleteRole},
		{"POST /api/v1/incidents/{ref}/notes", signedIn, s.postNote},
		{"POST /api/v1/incidents/{ref}/notes/{seq}/key-moment", signedIn, s.postKeyMoment},
		{"GET /api/v1/incidents/{ref}/timeline", signedIn, s.getTimeline},
		{"GET /api/v1/severities", signedIn, s.getSeverities},

		// People.
		{"GET /api/v1/users", signedIn, s.listUsers},
		{"POST /api/v1/users", signedIn, s.postUser},
		{"GET /api/v1/users/{id}", signedIn, s.getUser},
		{"PATCH /api/v1/users/{id}", signedIn, s.patchUser},
		{"DELETE /api/v1/users/{id}", signedIn, s.deleteUser},

		// Catalog.
		{"GET /api/v1/teams", signedIn, s.listTeams},
		{"POST /api/v1/teams", signedIn, s.postTeam},
		{"GET /api/v1/teams/{id}", signedIn, s.getTeam},
		{"PATCH /api/v1/teams/{id}", signedIn, s.patchTeam},
		{"DELETE /api/v1/teams/{id}", signedIn, s.deleteTeam},
		{"PUT /api/v1/teams/{id}/members", signedIn, s.putTeamMembers},
		{"GET /api/v1/services", signedIn, s.listServices},
		{"POST /api/v1/services", signedIn, s.postService},
		{"GET /api/v1/services/{id}", signedIn, s.getService},
		{"PATCH /api/v1/services/{id}", signedIn, s.patchService},
		{"DELETE /api/v1/services/{id}", signedIn, s.deleteService},

		// Detect: the triage queue, alerts, integrations and routing rules.
		{"GET /api/v1/triage", signedIn, s.getTriage},
		{"POST /api/v1/triage/{id}/declare", signedIn, s.postDeclareTriage},
		{"POST /api/v1/triage/{id}/dismiss", signedIn, s.postDismissTriage},
		{"POST /api/v1/triage/{id}/merge", signedIn, s.postMergeTriage},
		{"GET /api/v1/alert-groups", signedIn, s.listAlertGroups},
		{"GET /api/v1/alert-groups/{id}", signedIn, s.getAlertGroup},
		{"GET /api/v1/alerts", signedIn, s.listAlerts},
		{"GET /api/v1/alerts/{id}", signedIn, s.getAlert},
		{"GET /api/v1/integrations", signedIn, s.listIntegrations},
		{"POST /api/v1/integrations", signedIn, s.postIntegration},
		{"POST /api/v1/integrations/test-mapping", signedIn, s.postTestMapping},
		{"GET /api/v1/integrations/{id}", signedIn, s.getIntegration},
		{"DELETE /api/v1/integrations/{id}", signedIn, s.deleteIntegration},
		{"GET /api/v1/routing-rules", signedIn, s.getRules},
		{"PUT /api/v1/routing-rules", signedIn, s.putRules},
		{"PUT /api/v1/teams/{id}/triage-hook", signedIn, s.putTriageHook},

		// API tokens and the audit log.
		{"GET /api/v1/tokens", signedIn, s.listTokens},
		{"POST /api/v1/tokens", signedIn, s.postToken},
		{"DELETE /api/v1/tokens/{id}", signedIn, s.deleteToken},
		{"GET /api/v1/audit", signedIn, s.getAudit},
	}
}

// Routes returns the method patterns of every route, e.g.
// "GET /api/v1/incidents/{ref}", for the OpenAPI check.
func Routes() []string {
	var s server
	rs := s.routes()
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.pattern
	}
	return out
}
