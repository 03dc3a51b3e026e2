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

		// Status pages and incident communications.
		{"GET /api/v1/status-pages", signedIn, s.listStatusPages},
		{"POST /api/v1/status-pages", signedIn, s.postStatusPage},
		{"GET /api/v1/status-pages/{page}", signedIn, s.getStatusPage},
		{"PATCH /api/v1/status-pages/{page}", signedIn, s.patchStatusPage},
		{"DELETE /api/v1/status-pages/{page}", signedIn, s.deleteStatusPage},
		{"POST /api/v1/status-pages/{page}/groups", signedIn, s.postStatusGroup},
		{"PATCH /api/v1/status-pages/{page}/groups/{group}", signedIn, s.patchStatusGroup},
		{"DELETE /api/v1/status-pages/{page}/groups/{group}", signedIn, s.deleteStatusGroup},
		{"GET /api/v1/status-pages/{page}/components", signedIn, s.listStatusComponents},
		{"POST /api/v1/status-pages/{page}/components", signedIn, s.postStatusComponent},
		{"PATCH /api/v1/status-pages/{page}/components/{component}", signedIn, s.patchStatusComponent},
		{"DELETE /api/v1/status-pages/{page}/components/{component}", signedIn, s.deleteStatusComponent},
		{"GET /api/v1/status-pages/{page}/incidents", signedIn, s.listPublicIncidents},
		{"POST /api/v1/status-pages/{page}/incidents", signedIn, s.postPublicIncident},
		{"GET /api/v1/status-pages/{page}/incidents/{incident}", signedIn, s.getPublicIncident},
		{"DELETE /api/v1/status-pages/{page}/incidents/{incident}", signedIn, s.deletePublicIncident},
		{"POST /api/v1/status-pages/{page}/incidents/{incident}/updates", signedIn, s.postPublicUpdate},
		{"GET /api/v1/status-pages/{page}/incidents/{incident}/updates/{update}/deliveries", signedIn, s.getDeliveries},
		{"POST /api/v1/status-pages/{page}/maintenance", signedIn, s.postMaintenance},
		{"GET /api/v1/status-pages/{page}/export", signedIn, s.getStatusExport},
		{"GET /api/v1/status-pages/{page}/subscribers", signedIn, s.listSubscribers},
		{"POST /api/v1/status-pages/{page}/subscribers", signedIn, s.postSubscriber},
		{"DELETE /api/v1/status-pages/{page}/subscribers/{subscriber}", signedIn, s.deleteSubscriber},
		{"GET /api/v1/status-templates", signedIn, s.getStatusTemplates},
		{"PUT /api/v1/status-templates/{status}", signedIn, s.putStatusTemplate},
		{"GET /api/v1/status-cadence", signedIn, s.getStatusCadence},
		{"PUT /api/v1/status-cadence", signedIn, s.putStatusCadence},
		{"GET /api/v1/status-channels", signedIn, s.listStatusChannels},
		{"POST /api/v1/status-channels", signedIn, s.postStatusChannel},
		{"DELETE /api/v1/status-channels/{id}", signedIn, s.deleteStatusChannel},
		{"GET /api/v1/incidents/{ref}/communications", signedIn, s.getCommunications},
		{"POST /api/v1/incidents/{ref}/status-updates", signedIn, s.postStatusUpdate},
		{"POST /api/v1/incidents/{ref}/status-updates/preview", signedIn, s.postStatusPreview},
		{"GET /api/v1/incidents/{ref}/stakeholder-updates", signedIn, s.listStakeholderUpdates},
		{"POST /api/v1/incidents/{ref}/stakeholder-updates", signedIn, s.postStakeholderUpdate},

		// Paging: pages, escalation policies, services' paging and maintenance windows.
		{"GET /api/v1/pages", signedIn, s.listPages},
		{"POST /api/v1/pages", signedIn, s.postPage},
		{"GET /api/v1/pages/{id}", signedIn, s.getPage},
		{"POST /api/v1/pages/{id}/acknowledge", signedIn, s.postAcknowledgePage},
		{"POST /api/v1/pages/{id}/resolve", signedIn, s.postResolvePage},
		{"POST /api/v1/pages/{id}/escalate", signedIn, s.postEscalatePage},
		{"POST /api/v1/pages/{id}/reassign", signedIn, s.postReassignPage},
		{"GET /api/v1/escalation-policies", signedIn, s.listPolicies},
		{"POST /api/v1/escalation-policies", signedIn, s.postPolicy},
		{"POST /api/v1/escalation-policies/preview", signedIn, s.postPolicyPreview},
		{"GET /api/v1/escalation-policies/{id}", signedIn, s.getPolicy},
		{"PUT /api/v1/escalation-policies/{id}", signedIn, s.putPolicy},
		{"DELETE /api/v1/escalation-policies/{id}", signedIn, s.deletePolicy},
		{"GET /api/v1/services/{id}/paging", signedIn, s.getServicePaging},
		{"PUT /api/v1/services/{id}/paging", signedIn, s.putServicePaging},
		{"GET /api/v1/maintenance-windows", signedIn, s.listMaintenance},
		{"POST /api/v1/maintenance-windows", signedIn, s.postMaintenanceWindow},
		{"POST /api/v1/maintenance-windows/{id}/end", signedIn, s.postEndMaintenance},

		// Statuspage REST v1-compatible subset, for existing scripts.
		{"GET /v1/pages/{pageid}/incidents", signedIn, s.v1ListIncidents},
		{"POST /v1/pages/{pageid}/incidents", signedIn, s.v1PostIncident},
		{"PATCH /v1/pages/{pageid}/incidents/{incidentid}", signedIn, s.v1PatchIncident},
		{"GET /v1/pages/{pageid}/components", signedIn, s.v1ListComponents},
		{"PATCH /v1/pages/{pageid}/components/{componentid}", signedIn, s.v1PatchComponent},

		// On-call schedules, overrides, who is on call, calendar feeds.
		{"GET /api/v1/schedules", signedIn, s.listSchedules},
		{"POST /api/v1/schedules", signedIn, s.postSchedule},
		{"POST /api/v1/schedules/preview", signedIn, s.postSchedulePreview},
		{"GET /api/v1/schedules/{schedule}", signedIn, s.getSchedule},
		{"PUT /api/v1/schedules/{schedule}", signedIn, s.putSchedule},
		{"DELETE /api/v1/schedules/{schedule}", signedIn, s.deleteSchedule},
		{"GET /api/v1/schedules/{schedule}/timeline", signedIn, s.getScheduleTimeline},
		{"GET /api/v1/schedules/{schedule}/overrides", signedIn, s.listOverrides},
		{"POST /api/v1/schedules/{schedule}/overrides", signedIn, s.postOverride},
		{"DELETE /api/v1/schedules/{schedule}/overrides/{override}", signedIn, s.deleteOverride},
		{"POST /api/v1/schedules/{schedule}/take", signedIn, s.postTakeShift},
		{"POST /api/v1/schedules/{schedule}/swaps", signedIn, s.postSwap},
		{"GET /api/v1/oncall", signedIn, s.getOnCall},
		{"GET /api/v1/oncall/shifts", signedIn, s.getShifts},
		{"GET /api/v1/calendar-feeds", signedIn, s.listFeeds},
		{"POST /api/v1/calendar-feeds", signedIn, s.postFeed},
		{"POST /api/v1/calendar-feeds/{feed}/rotate", signedIn, s.postFeedRotate},
		{"DELETE /api/v1/calendar-feeds/{feed}", signedIn, s.deleteFeed},

		// Personal notifications: my contact methods, rules, settings, history.
		{"GET /api/v1/me/contact-methods", signedIn, s.listContacts},
		{"POST /api/v1/me/contact-methods", signedIn, s.postContact},
		{"DELETE /api/v1/me/contact-methods/{contact}", signedIn, s.deleteContact},
		{"POST /api/v1/me/contact-methods/{contact}/verify", signedIn, s.postVerifyContact},
		{"POST /api/v1/me/contact-methods/{contact}/resend-code", signedIn, s.postResendCode},
		{"POST /api/v1/me/contact-methods/{contact}/test", signedIn, s.postTestContact},
		{"GET /api/v1/me/notification-rules", signedIn, s.listNotificationRules},
		{"POST /api/v1/me/notification-rules", signedIn, s.postNotificationRule},
		{"DELETE /api/v1/me/notification-rules/{rule}", signedIn, s.deleteNotificationRule},
		{"GET /api/v1/me/notification-settings", signedIn, s.getNotificationSettings},
		{"PUT /api/v1/me/notification-settings", signedIn, s.putNotificationSettings},
		{"GET /api/v1/me/deliveries", signedIn, s.listMyDeliveries},
		{"GET /api/v1/users/{id}/deliveries", signedIn, s.listUserDeliveries},

		// Improve: postmortems, the meeting, 5-Why forms, action items, the review.
		{"GET /api/v1/postmortems", signedIn, s.listPostmortems},
		{"GET /api/v1/postmortems/{ref}", signedIn, s.getPostmortem},
		{"PUT /api/v1/postmortems/{ref}", signedIn, s.putPostmortem},
		{"POST /api/v1/postmortems/{ref}/preview", signedIn, s.postPostmortemPreview},
		{"GET /api/v1/postmortems/{ref}/versions", signedIn, s.listPostmortemVersions},
		{"GET /api/v1/postmortems/{ref}/versions/{version}", signedIn, s.getPostmortemVersion},
		{"GET /api/v1/postmortems/{ref}/meeting", signedIn, s.getMeeting},
		{"PUT /api/v1/postmortems/{ref}/meeting", signedIn, s.putMeeting},
		{"DELETE /api/v1/postmortems/{ref}/meeting", signedIn, s.deleteMeeting},
		{"POST /api/v1/postmortems/{ref}/meeting/start", signedIn, s.postMeetingStart},
		{"POST /api/v1/postmortems/{ref}/meeting/end", signedIn, s.postMeetingEnd},
		{"PUT /api/v1/postmortems/{ref}/meeting/notes", signedIn, s.putMeetingNotes},
		{"GET /api/v1/postmortems/{ref}/form", signedIn, s.getForm},
		{"PUT /api/v1/postmortems/{ref}/form", signedIn, s.putForm},
		{"GET /api/v1/postmortems/{ref}/answers", signedIn, s.getAnswers},
		{"POST /api/v1/postmortems/{ref}/answers/pull", signedIn, s.postPullAnswers},
		{"GET /api/v1/postmortems/{ref}/action-items", signedIn, s.listIncidentItems},
		{"POST /api/v1/postmortems/{ref}/action-items", signedIn, s.postItem},
		{"GET /api/v1/postmortems/{ref}/review", signedIn, s.getReview},
		{"POST /api/v1/postmortems/{ref}/reviewers", signedIn, s.postReviewers},
		{"POST /api/v1/postmortems/{ref}/review", signedIn, s.postDecision},
		{"POST /api/v1/postmortems/{ref}/comments", signedIn, s.postComment},
		{"POST /api/v1/postmortems/{ref}/publish", signedIn, s.postPublish},
		{"POST /api/v1/postmortems/{ref}/waive", signedIn, s.postWaive},
		{"GET /api/v1/action-items", signedIn, s.listItems},
		{"PATCH /api/v1/action-items/{item}", signedIn, s.patchItem},
		{"POST /api/v1/action-items/{item}/done", signedIn, s.postItemDone},
		{"GET /api/v1/postmortem-templates", signedIn, s.listPMTemplates},
		{"POST /api/v1/postmortem-templates", signedIn, s.postPMTemplate},
		{"PUT /api/v1/postmortem-templates/{template}", signedIn, s.putPMTemplate},
		{"DELETE /api/v1/postmortem-templates/{template}", signedIn, s.deletePMTemplate},
		{"GET /api/v1/postmortem-slos", signedIn, s.getPMSLOs},

		// API tokens and the audit log.
		{"GET /api/v1/tokens", signedIn, s.listTokens},
		{"POST /api/v1/tokens", signedIn, s.postToken},
		{"DELETE /api/v1/tokens/{id}", signedIn, s.deleteToken},
		{"GET /api/v1/audit", signedIn, s.getAudit},

		// Chat: the Slack app's connection, user links and incident channels.
		{"GET /api/v1/chat", signedIn, s.getChat},
		{"GET /api/v1/incidents/{ref}/chat", signedIn, s.getIncidentChat},
		{"PUT /api/v1/chat/links/{user}", signedIn, s.putChatLink},
		{"DELETE /api/v1/chat/links/{user}", signedIn, s.deleteChatLink},

		// Publishing: the postmortem site's search, git review, action items' issues.
		{"GET /api/v1/published-postmortems", signedIn, s.searchPostmortems},
		{"GET /api/v1/published-postmortems/{ref}", signedIn, s.getPublishedPostmortem},
		{"GET /api/v1/postmortems/{ref}/git", signedIn, s.getGitReview},
		{"GET /api/v1/action-items/{id}/tracker", signedIn, s.getTrackerLink},
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
