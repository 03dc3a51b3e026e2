package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/client"
)

// TeamCmd groups the team commands.
type TeamCmd struct {
	List    TeamListCmd    `cmd:"" aliases:"ls" help:"List teams."`
	Create  TeamCreateCmd  `cmd:"" help:"Add a team (admins only)."`
	Update  TeamUpdateCmd  `cmd:"" help:"Rename a team or change its description (admins only)."`
	Delete  TeamDeleteCmd  `cmd:"" help:"Remove a team (admins only)."`
	Members TeamMembersCmd `cmd:"" help:"Show a team's members, or change them with --add, --remove or --set."`
}

// ServiceCmd groups the service catalog commands.
type ServiceCmd struct {
	List   ServiceListCmd   `cmd:"" aliases:"ls" help:"List the service catalog."`
	Create ServiceCreateCmd `cmd:"" help:"Add a service (admins only)."`
	Update ServiceUpdateCmd `cmd:"" help:"Change a service (admins only)."`
	Delete ServiceDeleteCmd `cmd:"" help:"Remove a service (admins only)."`
}

// teamID resolves a team given by id or name.
func (e *env) teamID(cl *client.Client, arg string) (int64, error) {
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	teams, err := cl.Teams(e.ctx)
	if err != nil {
		return 0, err
	}
	for _, t := range teams {
		if strings.EqualFold(t.Name, strings.TrimSpace(arg)) {
			return t.ID, nil
		}
	}
	return 0, fmt.Errorf("there is no team named %q", arg)
}

// serviceID resolves a service given by id or name.
func (e *env) serviceID(cl *client.Client, arg string) (int64, error) {
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	svcs, err := cl.Services(e.ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range svcs {
		if strings.EqualFold(s.Name, strings.TrimSpace(arg)) {
			return s.ID, nil
		}
	}
	return 0, fmt.Errorf("there is no service named %q", arg)
}

// userIDs resolves several users.
func (e *env) userIDs(cl *client.Client, args []string) ([]int64, error) {
	ids := []int64{}
	for _, a := range args {
		id, err := e.userID(cl, a)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// TeamListCmd lists teams.
type TeamListCmd struct{}

// Run lists the teams.
func (c *TeamListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	teams, err := cl.WithRaw(&raw).Teams(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(teams) == 0 {
		e.printf("No teams yet: add one with 'firebreak team create NAME'.\n")
		return nil
	}
	ppl := e.people(cl)
	w := table(e.stdout)
	row(w, "ID", "NAME", "MEMBERS", "DESCRIPTION")
	for _, t := range teams {
		members := make([]string, len(t.Members))
		for i, id := range t.Members {
			members[i] = ppl.handle(id)
		}
		row(w, strconv.FormatInt(t.ID, 10), t.Name, orDash(truncate(strings.Join(members, ", "), 40)), orDash(truncate(t.Description, 60)))
	}
	return w.Flush()
}

// TeamCreateCmd adds a team.
type TeamCreateCmd struct {
	Name        string   `arg:"" help:"The team's name."`
	Description string   `help:"What the team does."`
	Member      []string `help:"A member (@handle, email or id); repeat for several." placeholder:"USER"`
}

// Run creates the team.
func (c *TeamCreateCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	members, err := e.userIDs(cl, c.Member)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	t, err := cl.WithRaw(&raw).CreateTeam(e.ctx, client.TeamInput{Name: c.Name, Description: c.Description, Members: members})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Created team %q, id %d, with %s.\n", t.Name, t.ID, plural(len(t.Members), "member", "members"))
	return nil
}

// TeamUpdateCmd changes a team.
type TeamUpdateCmd struct {
	Team        string  `arg:"" help:"The team: name or id."`
	Name        *string `help:"A new name."`
	Description *string `help:"A new description."`
}

// Run changes the team.
func (c *TeamUpdateCmd) Run(e *env) error {
	if c.Name == nil && c.Description == nil {
		return usagef("nothing to change: give --name or --description")
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.teamID(cl, c.Team)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	t, err := cl.WithRaw(&raw).UpdateTeam(e.ctx, id, client.TeamPatch{Name: c.Name, Description: c.Description})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Updated team %q (id %d).\n", t.Name, t.ID)
	return nil
}

// TeamDeleteCmd removes a team.
type TeamDeleteCmd struct {
	Team string `arg:"" help:"The team: name or id."`
}

// Run removes the team.
func (c *TeamDeleteCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.teamID(cl, c.Team)
	if err != nil {
		return err
	}
	if err := cl.DeleteTeam(e.ctx, id); err != nil {
		return err
	}
	if e.json {
		return e.printJSON(json.RawMessage(fmt.Sprintf(`{"deleted":%d}`, id)))
	}
	e.printf("Deleted team %s.\n", c.Team)
	return nil
}

// TeamMembersCmd shows or changes a team's members.
type TeamMembersCmd struct {
	Team   string   `arg:"" help:"The team: name or id."`
	Add    []string `help:"Add a member (@handle, email or id); repeat for several." placeholder:"USER"`
	Remove []string `help:"Remove a member; repeat for several." placeholder:"USER"`
	Set    []string `help:"Replace all members with these; repeat for several." placeholder:"USER"`
	Clear  bool     `help:"Remove every member."`
}

// Run shows the members, after changing them when asked.
func (c *TeamMembersCmd) Run(e *env) error {
	if (len(c.Set) > 0 || c.Clear) && (len(c.Add) > 0 || len(c.Remove) > 0) || len(c.Set) > 0 && c.Clear {
		return usagef("--set and --clear replace the members; do not combine them with --add or --remove, or each other")
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.teamID(cl, c.Team)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	t, err := cl.WithRaw(&raw).Team(e.ctx, id)
	if err != nil {
		return err
	}
	if len(c.Add) > 0 || len(c.Remove) > 0 || len(c.Set) > 0 || c.Clear {
		members := slices.Clone(t.Members)
		if len(c.Set) > 0 || c.Clear {
			members = nil
		}
		add, err := e.userIDs(cl, append(slices.Clone(c.Set), c.Add...))
		if err != nil {
			return err
		}
		remove, err := e.userIDs(cl, c.Remove)
		if err != nil {
			return err
		}
		for _, u := range add {
			if !slices.Contains(members, u) {
				members = append(members, u)
			}
		}
		members = slices.DeleteFunc(members, func(u int64) bool { return slices.Contains(remove, u) })
		if t, err = cl.WithRaw(&raw).SetTeamMembers(e.ctx, id, members); err != nil {
			return err
		}
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(t.Members) == 0 {
		e.printf("Team %q has no members.\n", t.Name)
		return nil
	}
	ppl := e.people(cl)
	w := table(e.stdout)
	row(w, "ID", "HANDLE", "NAME")
	for _, uid := range t.Members {
		u, ok := ppl[uid]
		if !ok {
			u = client.User{ID: uid, Handle: ppl.handle(uid)}
		}
		row(w, strconv.FormatInt(uid, 10), u.Handle, orDash(u.Name))
	}
	return w.Flush()
}

// ServiceListCmd lists services.
type ServiceListCmd struct{}

// Run lists the services.
func (c *ServiceListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	svcs, err := cl.WithRaw(&raw).Services(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(svcs) == 0 {
		e.printf("No services yet: add one with 'firebreak service create NAME'.\n")
		return nil
	}
	w := table(e.stdout)
	row(w, "ID", "NAME", "OWNER", "DESCRIPTION")
	for _, s := range svcs {
		row(w, strconv.FormatInt(s.ID, 10), s.Name, orDash(s.OwnerTeam), orDash(truncate(s.Description, 60)))
	}
	return w.Flush()
}

// parseLinks reads TITLE=URL links.
func parseLinks(args []string) ([]client.Link, error) {
	links := []client.Link{}
	for _, a := range args {
		title, u, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(title) == "" || strings.TrimSpace(u) == "" {
			return nil, usagef("--link %q: write TITLE=URL, e.g. Runbook=https://wiki.example.com/api", a)
		}
		links = append(links, client.Link{Title: strings.TrimSpace(title), URL: strings.TrimSpace(u)})
	}
	return links, nil
}

// ServiceCreateCmd adds a service.
type ServiceCreateCmd struct {
	Name        string   `arg:"" help:"The service's name, as incidents name it."`
	Description string   `help:"What the service is."`
	Owner       string   `help:"The owning team: name or id." placeholder:"TEAM"`
	Link        []string `help:"A link TITLE=URL (runbook, dashboard); repeat for several." placeholder:"TITLE=URL"`
}

// Run creates the service.
func (c *ServiceCreateCmd) Run(e *env) error {
	links, err := parseLinks(c.Link)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	in := client.ServiceInput{Name: c.Name, Description: c.Description, Links: links}
	if c.Owner != "" {
		if in.OwnerTeamID, err = e.teamID(cl, c.Owner); err != nil {
			return err
		}
	}
	var raw json.RawMessage
	s, err := cl.WithRaw(&raw).CreateService(e.ctx, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Created service %q, id %d.\n", s.Name, s.ID)
	return nil
}

// ServiceUpdateCmd changes a service.
type ServiceUpdateCmd struct {
	Service     string   `arg:"" help:"The service: name or id."`
	Name        *string  `help:"A new name."`
	Description *string  `help:"A new description."`
	Owner       *string  `help:"The owning team: name or id; empty for none." placeholder:"TEAM"`
	Link        []string `help:"Replace the links with these TITLE=URL; repeat for several." placeholder:"TITLE=URL"`
}

// Run changes the service.
func (c *ServiceUpdateCmd) Run(e *env) error {
	p := client.ServicePatch{Name: c.Name, Description: c.Description}
	if len(c.Link) > 0 {
		links, err := parseLinks(c.Link)
		if err != nil {
			return err
		}
		p.Links = &links
	}
	if c.Name == nil && c.Description == nil && c.Owner == nil && p.Links == nil {
		return usagef("nothing to change: give at least one of --name, --description, --owner, --link")
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.serviceID(cl, c.Service)
	if err != nil {
		return err
	}
	if c.Owner != nil {
		var owner int64
		if strings.TrimSpace(*c.Owner) != "" {
			if owner, err = e.teamID(cl, *c.Owner); err != nil {
				return err
			}
		}
		p.OwnerTeamID = &owner
	}
	var raw json.RawMessage
	s, err := cl.WithRaw(&raw).UpdateService(e.ctx, id, p)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Updated service %q (id %d).\n", s.Name, s.ID)
	return nil
}

// ServiceDeleteCmd removes a service.
type ServiceDeleteCmd struct {
	Service string `arg:"" help:"The service: name or id."`
}

// Run removes the service.
func (c *ServiceDeleteCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.serviceID(cl, c.Service)
	if err != nil {
		return err
	}
	if err := cl.DeleteService(e.ctx, id); err != nil {
		return err
	}
	if e.json {
		return e.printJSON(json.RawMessage(fmt.Sprintf(`{"deleted":%d}`, id)))
	}
	e.printf("Deleted service %s.\n", c.Service)
	return nil
}
