package web

import (
	"net/http"
	"strings"
)

// routes lists every route of the web interface.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()

	// Assets and sign-in: no session needed.
	mux.HandleFunc("GET /static/{hash}/{path...}", s.static.serve)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)

	// Incidents.
	mux.Handle("GET /{$}", s.signedIn(s.incidentList))
	mux.Handle("GET /live/incidents", s.signedIn(s.incidentListLive))
	mux.Handle("GET /incidents/new", s.signedIn(s.declareForm))
	mux.Handle("POST /incidents", s.signedIn(s.declare))
	mux.Handle("GET /incidents/{ref}", s.signedIn(s.incidentPage))
	mux.Handle("GET /incidents/{ref}/live", s.signedIn(s.incidentLive))
	mux.Handle("POST /incidents/{ref}/stage", s.signedIn(s.incidentAction(s.changeStage)))
	mux.Handle("POST /incidents/{ref}/roles", s.signedIn(s.incidentAction(s.assignRole)))
	mux.Handle("POST /incidents/{ref}/roles/remove", s.signedIn(s.incidentAction(s.unassignRole)))
	mux.Handle("POST /incidents/{ref}/edit", s.signedIn(s.incidentAction(s.updateIncident)))
	mux.Handle("POST /incidents/{ref}/notes", s.signedIn(s.incidentAction(s.addNote)))
	mux.Handle("POST /incidents/{ref}/notes/{seq}/key", s.signedIn(s.incidentAction(s.markKeyMoment)))

	// Detect: the triage queue, alert groups and alerts; integrations and routing rules.
	mux.Handle("GET /triage", s.signedIn(s.triagePage))
	mux.Handle("GET /live/triage", s.signedIn(s.triageLive))
	mux.Handle("GET /triage/{id}", s.signedIn(s.groupPage))
	mux.Handle("POST /triage/{id}/declare", s.signedIn(s.triageDecision(s.declareFromTriage)))
	mux.Handle("POST /triage/{id}/dismiss", s.signedIn(s.triageDecision(s.dismissFromTriage)))
	mux.Handle("POST /triage/{id}/merge", s.signedIn(s.triageDecision(s.mergeFromTriage)))
	mux.Handle("GET /alerts/{id}", s.signedIn(s.alertPage))
	mux.Handle("GET /alerting/integrations", s.signedIn(s.integrationList))
	mux.Handle("POST /alerting/integrations", s.signedIn(s.createIntegration))
	mux.Handle("GET /alerting/integrations/{id}", s.signedIn(s.integrationPage))
	mux.Handle("POST /alerting/integrations/{id}/test", s.signedIn(s.testMapping))
	mux.Handle("POST /alerting/integrations/{id}/delete", s.signedIn(s.deleteIntegration))
	mux.Handle("GET /alerting/rules", s.signedIn(s.rulesPage))
	mux.Handle("POST /alerting/rules", s.signedIn(s.changeRules))

	// Communications of an incident, and status pages in the settings.
	mux.Handle("GET /incidents/{ref}/communications", s.signedIn(s.commsPage))
	mux.Handle("GET /incidents/{ref}/communications/card", s.signedIn(s.commsCard))
	mux.Handle("POST /incidents/{ref}/communications/preview", s.signedIn(s.commsPreview))
	mux.Handle("POST /incidents/{ref}/communications/publish", s.signedIn(s.commsPublish))
	mux.Handle("POST /incidents/{ref}/communications/stakeholders", s.signedIn(s.commsStakeholder))
	mux.Handle("GET /settings/status-pages", s.signedIn(s.statusPagesList))
	mux.Handle("POST /settings/status-pages", s.signedIn(s.statusForm(s.createStatusPage)))
	mux.Handle("POST /settings/status-pages/templates", s.signedIn(s.statusForm(s.saveTemplates)))
	mux.Handle("POST /settings/status-pages/cadence", s.signedIn(s.statusForm(s.saveCadence)))
	mux.Handle("POST /settings/status-pages/channels", s.signedIn(s.addChannel))
	mux.Handle("POST /settings/status-pages/channels/{cid}/delete", s.signedIn(s.statusForm(s.removeChannel)))
	mux.Handle("GET /settings/status-pages/{id}", s.signedIn(s.statusPageDetail))
	mux.Handle("POST /settings/status-pages/{id}", s.signedIn(s.statusForm(s.updateStatusPage)))
	mux.Handle("POST /settings/status-pages/{id}/delete", s.signedIn(s.statusForm(s.deleteStatusPageForm)))
	mux.Handle("POST /settings/status-pages/{id}/groups", s.signedIn(s.statusForm(s.addStatusGroup)))
	mux.Handle("POST /settings/status-pages/{id}/maintenance", s.signedIn(s.statusForm(s.scheduleMaintenance)))
	mux.Handle("POST /settings/status-pages/{id}/components", s.signedIn(s.statusForm(s.addStatusComponent)))
	mux.Handle("POST /settings/status-pages/{id}/components/{cid}/status", s.signedIn(s.statusForm(s.setComponentStatus)))
	mux.Handle("POST /settings/status-pages/{id}/components/{cid}/delete", s.signedIn(s.statusForm(s.deleteStatusComponentForm)))

	// The postmortems library: published postmortems, search, permalinks.
	mux.Handle("GET /library", s.signedIn(s.libraryPage))
	mux.Handle("GET /library/{ref}", s.signedIn(s.libraryDoc))
	mux.Handle("GET /postmortems/{ref}/publishing", s.signedIn(s.publishingPage))

	// Paging: pages, escalation policies, a service's paging and maintenance;
	// /p/{token} are the signed one-time links of notices (no sign-in).
	mux.Handle("GET /pages", s.signedIn(s.pageList))
	mux.Handle("GET /pages/{id}", s.signedIn(s.pageDetail))
	mux.Handle("GET /live/pages", s.signedIn(s.pageListLive))
	mux.Handle("GET /pages/{id}/live", s.signedIn(s.pageLive))
	mux.Handle("POST /pages/{id}/ack", s.signedIn(s.pageAction(s.ackPage)))
	mux.Handle("POST /pages/{id}/resolve", s.signedIn(s.pageAction(s.resolvePage)))
	mux.Handle("POST /pages/{id}/escalate", s.signedIn(s.pageAction(s.escalatePage)))
	mux.Handle("POST /pages/{id}/reassign", s.signedIn(s.pageAction(s.reassignPage)))
	mux.Handle("GET /p/{token}", s.public(s.pageLinkForm))
	mux.Handle("POST /p/{token}", s.public(s.pageLinkUse))
	mux.Handle("GET /policies", s.signedIn(s.policyList))
	mux.Handle("GET /policies/new", s.signedIn(s.policyNew))
	mux.Handle("POST /policies/save", s.signedIn(s.savePolicy))
	mux.Handle("GET /policies/{id}", s.signedIn(s.policyEdit))
	mux.Handle("POST /policies/{id}/delete", s.signedIn(s.deletePolicy))
	mux.Handle("GET /services/{id}/paging", s.signedIn(s.servicePaging))
	mux.Handle("POST /services/{id}/paging", s.signedIn(s.serviceForm(s.setServicePaging)))
	mux.Handle("POST /services/{id}/maintenance", s.signedIn(s.serviceForm(s.addMaintenance)))
	mux.Handle("POST /services/{id}/maintenance/end", s.signedIn(s.serviceForm(s.endMaintenance)))

	// Improve: postmortems, the meeting, 5-Why forms, action items, the process SLOs.
	mux.Handle("GET /postmortems", s.signedIn(s.postmortemList))
	mux.Handle("GET /postmortems/slos", s.signedIn(s.postmortemSLOs))
	mux.Handle("GET /postmortems/{ref}", s.signedIn(s.postmortemPage))
	mux.Handle("GET /postmortems/{ref}/live", s.signedIn(s.postmortemLive))
	mux.Handle("GET /postmortems/{ref}/edit", s.signedIn(s.postmortemEdit))
	mux.Handle("POST /postmortems/{ref}/edit", s.signedIn(s.postmortemSave))
	mux.Handle("POST /postmortems/{ref}/preview", s.signedIn(s.postmortemPreview))
	mux.Handle("GET /postmortems/{ref}/versions", s.signedIn(s.postmortemVersions))
	mux.Handle("GET /postmortems/{ref}/form", s.signedIn(s.postmortemForm))
	mux.Handle("POST /postmortems/{ref}/form", s.signedIn(s.postmortemFormSave))
	mux.Handle("GET /postmortems/{ref}/answers", s.signedIn(s.postmortemAnswers))
	mux.Handle("POST /postmortems/{ref}/answers/pull", s.signedIn(s.pmAction(s.pmPull)))
	mux.Handle("POST /postmortems/{ref}/meeting", s.signedIn(s.pmAction(s.pmSchedule)))
	mux.Handle("POST /postmortems/{ref}/meeting/cancel", s.signedIn(s.pmAction(s.pmCancelMeeting)))
	mux.Handle("GET /postmortems/{ref}/meeting", s.signedIn(s.postmortemMeeting))
	mux.Handle("POST /postmortems/{ref}/meeting/start", s.signedIn(s.pmMeetingAction(s.pmStart)))
	mux.Handle("POST /postmortems/{ref}/meeting/end", s.signedIn(s.pmMeetingAction(s.pmEnd)))
	mux.Handle("POST /postmortems/{ref}/meeting/notes", s.signedIn(s.pmMeetingAction(s.pmNotes)))
	mux.Handle("POST /postmortems/{ref}/items", s.signedIn(s.pmAction(s.pmAddItem)))
	mux.Handle("POST /postmortems/{ref}/items/{id}", s.signedIn(s.pmAction(s.pmUpdateItem)))
	mux.Handle("POST /postmortems/{ref}/reviewers", s.signedIn(s.pmAction(s.pmRequestReview)))
	mux.Handle("POST /postmortems/{ref}/review", s.signedIn(s.pmAction(s.pmDecide)))
	mux.Handle("POST /postmortems/{ref}/comments", s.signedIn(s.pmAction(s.pmComment)))
	mux.Handle("POST /postmortems/{ref}/publish", s.signedIn(s.pmAction(s.pmPublish)))
	mux.Handle("POST /postmortems/{ref}/waive", s.signedIn(s.pmAction(s.pmWaive)))
	mux.Handle("GET /actions", s.signedIn(s.actionList))
	mux.Handle("POST /actions/{id}/done", s.signedIn(s.actionDone))
	mux.Handle("GET /settings/postmortem-templates", s.signedIn(s.postmortemTemplates))
	mux.Handle("POST /settings/postmortem-templates", s.signedIn(s.savePMTemplate))

	// On-call: who is on call now, schedules (calendar, editor), overrides, my shifts and feeds.
	mux.Handle("GET /oncall", s.signedIn(s.oncallNow))
	mux.Handle("GET /oncall/my", s.signedIn(s.myShifts))
	mux.Handle("POST /oncall/feeds", s.signedIn(s.createFeed))
	mux.Handle("POST /oncall/feeds/{id}/{action}", s.signedIn(s.feedAction))
	mux.Handle("GET /oncall/schedules/new", s.signedIn(s.newSchedulePage))
	mux.Handle("POST /oncall/schedules/save", s.signedIn(s.saveSchedule))
	mux.Handle("GET /oncall/schedules/{id}", s.signedIn(s.schedulePage))
	mux.Handle("GET /oncall/schedules/{id}/edit", s.signedIn(s.editSchedulePage))
	mux.Handle("POST /oncall/schedules/{id}/delete", s.signedIn(s.deleteScheduleForm))
	mux.Handle("POST /oncall/schedules/{id}/overrides", s.signedIn(s.scheduleAction(s.addOverrideForm)))
	mux.Handle("POST /oncall/schedules/{id}/overrides/{oid}/delete", s.signedIn(s.scheduleAction(s.deleteOverrideForm)))
	mux.Handle("POST /oncall/schedules/{id}/take", s.signedIn(s.scheduleAction(s.takeShiftForm)))
	mux.Handle("POST /oncall/schedules/{id}/swap", s.signedIn(s.scheduleAction(s.swapForm)))

	// People.
	mux.Handle("GET /users", s.signedIn(s.userList))
	mux.Handle("POST /users", s.signedIn(s.createUser))
	mux.Handle("GET /users/{id}", s.signedIn(s.userPage))
	mux.Handle("POST /users/{id}", s.signedIn(s.updateUser))
	mux.Handle("POST /users/{id}/password", s.signedIn(s.setUserPassword))

	// Catalog.
	mux.Handle("GET /teams", s.signedIn(s.teamList))
	mux.Handle("POST /teams", s.signedIn(s.createTeam))
	mux.Handle("GET /teams/{id}", s.signedIn(s.teamPage))
	mux.Handle("POST /teams/{id}", s.signedIn(s.updateTeam))
	mux.Handle("POST /teams/{id}/delete", s.signedIn(s.deleteTeam))
	mux.Handle("GET /services", s.signedIn(s.serviceList))
	mux.Handle("POST /services", s.signedIn(s.createService))
	mux.Handle("GET /services/{id}", s.signedIn(s.servicePage))
	mux.Handle("POST /services/{id}", s.signedIn(s.updateService))
	mux.Handle("POST /services/{id}/delete", s.signedIn(s.deleteService))

	// Settings and administration.
	mux.Handle("GET /settings/slack", s.signedIn(s.slackSettings))
	mux.Handle("POST /settings/slack/links", s.signedIn(s.linkSlackUser))
	mux.Handle("POST /settings/slack/links/{id}/delete", s.signedIn(s.unlinkSlackUser))
	mux.Handle("GET /settings/tokens", s.signedIn(s.tokenList))
	mux.Handle("POST /settings/tokens", s.signedIn(s.createToken))
	mux.Handle("POST /settings/tokens/{id}/revoke", s.signedIn(s.revokeToken))
	mux.Handle("GET /settings/password", s.signedIn(s.passwordPage))
	mux.Handle("POST /settings/password", s.signedIn(s.changePassword))
	mux.Handle("GET /settings/notifications", s.signedIn(s.notificationsPage))
	mux.Handle("POST /settings/notifications/contacts", s.signedIn(s.addContactMethod))
	mux.Handle("POST /settings/notifications/contacts/{id}/verify", s.signedIn(s.verifyContactMethod))
	mux.Handle("POST /settings/notifications/contacts/{id}/resend", s.signedIn(s.resendContactCode))
	mux.Handle("POST /settings/notifications/contacts/{id}/test", s.signedIn(s.testContactMethod))
	mux.Handle("POST /settings/notifications/contacts/{id}/remove", s.signedIn(s.removeContactMethod))
	mux.Handle("POST /settings/notifications/rules", s.signedIn(s.addNotificationRule))
	mux.Handle("POST /settings/notifications/rules/{id}/remove", s.signedIn(s.removeNotificationRule))
	mux.Handle("POST /settings/notifications/digest", s.signedIn(s.saveDigest))
	mux.Handle("GET /audit", s.signedIn(s.auditLog))

	// Everything else is a page that does not exist.
	mux.Handle("/", s.signedIn(func(w http.ResponseWriter, r *http.Request) error { return errNotFoundPage }))

	return s.withActorExceptStatic(mux)
}

// withActorExceptStatic resolves the session for every request but the
// assets, which need none and are requested often.
func (s *server) withActorExceptStatic(mux http.Handler) http.Handler {
	withActor := s.withActor(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			mux.ServeHTTP(w, r)
			return
		}
		withActor.ServeHTTP(w, r)
	})
}
