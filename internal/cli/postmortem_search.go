package cli

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// PostmortemSearchCmd searches the postmortem site.
type PostmortemSearchCmd struct {
	Query    []string `arg:"" optional:"" help:"Words to find; \"a phrase\" in quotes; prefix* ; -word excludes. Nothing: the newest postmortems."`
	Service  string   `help:"Only incidents that affected this service."`
	Severity string   `help:"Only this severity, e.g. SEV1."`
	Year     int      `help:"Only incidents of this year."`
	Label    string   `help:"Only incidents with this label (key=value or key)."`
	Limit    int      `default:"20" help:"At most this many results (1-200)."`
}

// Run searches and prints the results with their snippets; the matches are
// shown between » and «.
func (c *PostmortemSearchCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	res, err := cl.WithRaw(&raw).SearchPostmortems(e.ctx, strings.Join(c.Query, " "),
		client.SiteFilter{Service: c.Service, Severity: c.Severity, Year: c.Year, Label: c.Label, Limit: c.Limit})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(res.Items) == 0 {
		fmt.Fprintln(e.stdout, "No published postmortem matches.")
		return nil
	}
	for _, h := range res.Items {
		fmt.Fprintf(e.stdout, "%s  %s  %s  %s\n", h.Ref, h.Severity, h.IncidentAt.In(e.loc).Format("2006-01-02"), h.Title)
		if s := plainSnippet(h.Snippet); s != "" {
			fmt.Fprintf(e.stdout, "    %s\n", s)
		}
	}
	more := ""
	if res.Total > len(res.Items) {
		more = fmt.Sprintf(" of %d", res.Total)
		if res.Total > 1000 {
			more = " of more than 1000"
		}
	}
	fmt.Fprintf(e.stdout, "%d%s shown.\n", len(res.Items), more)
	return nil
}

// plainSnippet turns the API's HTML snippet into one line of text.
func plainSnippet(s string) string {
	s = strings.NewReplacer("<mark>", "»", "</mark>", "«").Replace(s)
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// PostmortemGitCmd shows where a postmortem's git review stands.
type PostmortemGitCmd struct {
	Incident string `arg:"" help:"The incident, e.g. INC-42."`
}

// Run prints the review branch, pull request and merge commit.
func (c *PostmortemGitCmd) Run(e *env) error {
	n, err := parseRef(c.Incident)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	g, err := cl.WithRaw(&raw).GitReview(e.ctx, incident.Ref(n))
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	fmt.Fprintf(e.stdout, "%s  revision %d  %s\n", incident.Ref(n), g.Revision, g.State)
	for _, kv := range [][2]string{{"Branch", g.Branch}, {"File", g.Path}, {"Head", g.HeadCommit}, {"Pull request", g.PullRequest},
		{"Merge commit", g.MergeCommit}, {"Last error", g.LastError}} {
		if kv[1] != "" {
			fmt.Fprintf(e.stdout, "%-13s %s\n", kv[0]+":", kv[1])
		}
	}
	return nil
}
