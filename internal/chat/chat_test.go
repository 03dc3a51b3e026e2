package chat

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

func TestChannelNames(t *testing.T) {
	inc := &incident.Incident{Number: 169, Title: "Checkout: 502s for EU customers!", Severity: "SEV1"}
	cases := []struct{ pattern, want string }{
		{"", "inc-169-checkout-502s-for-eu-customers"},
		{"inc-{number}", "inc-169"},
		{"{severity}_incident_{number}", "sev1_incident_169"},
		{"Incidents {number} {slug}", "incidents-169-checkout-502s-for-eu-customers"},
	}
	for _, c := range cases {
		if got := ChannelName(c.pattern, inc); got != c.want {
			t.Errorf("ChannelName(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
	long := &incident.Incident{Number: 7, Title: strings.Repeat("database replication lag ", 10)}
	got := ChannelName("{slug}-{slug}-{number}", long)
	if len(got) > 80 || strings.HasSuffix(got, "-") || !regexp.MustCompile(`^[a-z0-9_-]+$`).MatchString(got) {
		t.Errorf("long name %q", got)
	}
	if got := ChannelName("{slug}", &incident.Incident{Number: 3, Title: "日本語のみ"}); got != "inc-3" {
		t.Errorf("a title with no latin letters names the channel %q", got)
	}
}

func TestCallLinksAreUnguessable(t *testing.T) {
	a, b := CallLink("", 42), CallLink("", 42)
	if a == b || !strings.HasPrefix(a, "https://meet.jit.si/firebreak-inc-42-") || len(a) != len("https://meet.jit.si/firebreak-inc-42-")+16 {
		t.Fatalf("call links %q %q", a, b)
	}
	if got := CallLink("https://meet.google.com/lookup/inc-{number}", 7); got != "https://meet.google.com/lookup/inc-7" {
		t.Errorf("template without random: %q", got)
	}
}

func TestParseCommand(t *testing.T) {
	cases := []struct {
		text string
		want Command
	}{
		{"", Command{Verb: "help"}},
		{"declare Checkout is down", Command{Verb: "declare", Text: "Checkout is down"}},
		{"role de <@U024BE7LH|ana>", Command{Verb: "role", Args: []string{"de"}, Users: []string{"U024BE7LH"}, Text: "de <@U024BE7LH|ana>"}},
		{"SEV SEV1 INC-42", Command{Verb: "sev", Args: []string{"SEV1"}, Number: 42, Text: "SEV1 INC-42"}},
		{"page <@U1> payments", Command{Verb: "page", Users: []string{"U1"}, Teams: []string{"payments"}, Text: "<@U1> payments"}},
		{"note INC-7 rolled back v41", Command{Verb: "note", Number: 7, Text: "rolled back v41"}},
		{"note INC-7 is not a number here: INC-x", Command{Verb: "note", Number: 7, Text: "is not a number here: INC-x"}},
	}
	for _, c := range cases {
		got, err := ParseCommand(c.text)
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if got.Verb != c.want.Verb || got.Number != c.want.Number || got.Text != c.want.Text ||
			!slices.Equal(got.Args, c.want.Args) || !slices.Equal(got.Users, c.want.Users) || !slices.Equal(got.Teams, c.want.Teams) {
			t.Errorf("%q = %+v, want %+v", c.text, got, c.want)
		}
	}
	for _, bad := range []string{"frobnicate", "sev SEV1 INC-x"} {
		if _, err := ParseCommand(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for in, want := range map[string]incident.Role{"IM": incident.IncidentManager, "domain-expert": incident.DomainExpert, "comms": incident.CommunicationsManager, "fr": incident.FirstResponder} {
		if got, err := ParseRole(in); err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseRole("boss"); err == nil {
		t.Error("ParseRole(boss) accepted")
	}
}

func TestCardFollowsTheIncident(t *testing.T) {
	inc := &incident.Incident{Number: 5, Title: "API errors", Severity: "SEV2", Stage: incident.Fix,
		Roles: incident.Roles{FirstResponder: 1, DomainExperts: []int64{2, 3}}}
	people := map[int64]Person{1: {Name: "Ana", ChatUserID: "UANA"}, 2: {Name: "Bo"}}
	c := CardFor(inc, people, CardLinks{Incident: "https://fb/incidents/5", Call: "https://meet.jit.si/x", Postmortem: ""})
	if c.Ref != "INC-5" || c.Stage != "Fix" || len(c.Roles) != 4 {
		t.Fatalf("card %+v", c)
	}
	byRole := map[incident.Role]RoleLine{}
	for _, r := range c.Roles {
		byRole[r.Role] = r
	}
	if h := byRole[incident.FirstResponder].Holders; len(h) != 1 || h[0].Mention() != "<@UANA>" {
		t.Errorf("first responder %+v", h)
	}
	if h := byRole[incident.DomainExpert].Holders; len(h) != 2 || h[0].Mention() != "Bo" || h[1].Name != "user 3" {
		t.Errorf("domain experts %+v", h)
	}
	var actions []string
	for _, a := range c.Actions {
		actions = append(actions, a.ID)
	}
	if !slices.Equal(actions, []string{ActionResolve, ActionTakeIM, ActionUpdate}) {
		t.Errorf("actions in Fix with no IM: %v", actions)
	}
	if len(c.Links) != 2 || c.Links[1].Label != "Call" {
		t.Errorf("links %+v", c.Links)
	}
	inc.Stage, inc.Roles.IncidentManager = incident.Resolved, 1
	c = CardFor(inc, people, CardLinks{Postmortem: "https://fb/pm/5"})
	if len(c.Actions) != 1 || c.Actions[0].ID != ActionReopen || c.Links[len(c.Links)-1].Label != "Postmortem" {
		t.Errorf("resolved card: %+v %+v", c.Actions, c.Links)
	}
}

// FuzzParseCommand: any text typed after /inc parses or is refused with a
// message, never a panic, and a parsed command names a known verb.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"", "declare Checkout down", "role de <@U024BE7LH|ana>", "sev SEV1 INC-42", "page <@U1> payments", "note INC-7 x", "stage dismissed test", "INC-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCommand(text)
		if err != nil {
			return
		}
		if !slices.Contains(Verbs, c.Verb) && c.Verb != "declare" && c.Verb != "note" {
			t.Fatalf("%q parsed to unknown verb %q", text, c.Verb)
		}
		if c.Verb == "role" && len(c.Args) == 1 {
			_, _ = ParseRole(c.Args[0])
		}
	})
}
