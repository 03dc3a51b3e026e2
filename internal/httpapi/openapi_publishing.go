package httpapi

import "github.com/firebreak-hq/firebreak/internal/tracker"

// publishingOperations describes the postmortem site, git review and
// tracker routes for the OpenAPI document.
var publishingOperations = map[string]op{
	"GET /api/v1/published-postmortems": {tag: "postmortems", summary: "Search the published postmortems (without q: list them, newest first)",
		desc: "Words must all match (stemmed; accents ignored on SQLite); \"quoted phrases\" match adjacent words; a trailing * matches a prefix; " +
			"-word excludes. Other punctuation separates words, so no input is a syntax error. Results are ranked (title above body) with a " +
			"`snippet` of HTML: the document's text escaped and the matches in `<mark>`. Every signed-in user may read.",
		query: []param{
			{name: "q", desc: "What to search for.", schema: obj{"type": "string", "maxLength": 1000}},
			{name: "service", desc: "Only postmortems of incidents that affected this service.", schema: obj{"type": "string"}},
			{name: "severity", desc: "Only this severity, e.g. SEV1.", schema: obj{"type": "string"}},
			{name: "year", desc: "Only incidents of this year.", schema: obj{"type": "integer"}},
			{name: "label", desc: "Only incidents with this label (key=value, or the key alone).", schema: obj{"type": "string"}},
			{name: "limit", desc: "At most this many, 1–200 (default 50).", schema: obj{"type": "integer", "minimum": 1, "maximum": 200}},
			{name: "offset", desc: "Skip this many (paging).", schema: obj{"type": "integer", "minimum": 0}},
		},
		status: 200, resp: siteResults{}},
	"GET /api/v1/published-postmortems/{ref}": {tag: "postmortems", summary: "One published postmortem with its Markdown", status: 200, resp: sitePostmortem{}},
	"GET /api/v1/postmortems/{ref}/git": {tag: "postmortems", summary: "Where a postmortem's git review stands",
		desc: "The revision under review or last merged: its branch, pull request, head and merge commits, and the last error of the push job. " +
			"404 when git review is not configured or the postmortem was never submitted.", status: 200, resp: gitReview{}},
	"GET /api/v1/action-items/{id}/tracker": {tag: "postmortems", summary: "An action item's issue in Jira or GitHub",
		desc: "404 when no tracker is configured for the item's team or it was not synced yet.", status: 200, resp: tracker.Link{}},
}
