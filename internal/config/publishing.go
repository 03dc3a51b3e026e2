package config

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// PublishingConfig connects postmortems to the outside: the Git repository
// and forge of git review (postmortem.review = git), and the trackers that
// action items are synced to. Every credential may be written as a
// reference instead of the value: "env:NAME" reads the environment
// variable NAME, "file:/path" the first line of a file only the server reads.
type PublishingConfig struct {
	Git                 GitPublishConfig `koanf:"git"`
	Forge               ForgeConfig      `koanf:"forge"`
	Trackers            []TrackerConfig  `koanf:"trackers"`
	TrackerPollInterval time.Duration    `koanf:"tracker_poll_interval"` // default 5m; how often open issues' status is read (webhooks make it faster)
}

// GitPublishConfig is the repository postmortems are written to.
type GitPublishConfig struct {
	URL              string        `koanf:"url"`                // https://…, ssh://git@…, git@host:owner/repo.git, or a path on disk (a bare repository)
	Branch           string        `koanf:"branch"`             // the main branch; default main
	Dir              string        `koanf:"dir"`                // folder of the files; default postmortems
	BranchPrefix     string        `koanf:"branch_prefix"`      // review branches; default postmortem/
	AuthorName       string        `koanf:"author_name"`        // default Firebreak
	AuthorEmail      string        `koanf:"author_email"`       // default firebreak@<host of base_url>
	Username         string        `koanf:"username"`           // HTTPS: user name (GitHub: x-access-token; Gitea: the user)
	Token            string        `koanf:"token"`              // HTTPS: password or token (a secret)
	SSHKeyFile       string        `koanf:"ssh_key_file"`       // SSH: private key file
	SSHKeyPassphrase string        `koanf:"ssh_key_passphrase"` // SSH: its passphrase (a secret)
	SSHKnownHosts    string        `koanf:"ssh_known_hosts"`    // SSH: known_hosts file; default ~/.ssh/known_hosts
	PollInterval     time.Duration `koanf:"poll_interval"`      // how often main is checked for merges; default 1m
}

// ForgeConfig is the forge whose pull requests carry the review.
type ForgeConfig struct {
	Kind          string `koanf:"kind"`           // github, gitea or forgejo; empty: none (a merge is a push to main)
	APIURL        string `koanf:"api_url"`        // default https://api.github.com; Gitea/Forgejo: https://host/api/v1
	Repo          string `koanf:"repo"`           // owner/name
	Token         string `koanf:"token"`          // a secret
	WebhookSecret string `koanf:"webhook_secret"` // the pull_request webhook's secret (POST /hooks/forge)
}

// TrackerConfig is one team's tracker for action items.
type TrackerConfig struct {
	Team          string `koanf:"team"`           // a team's name; empty: the default for other teams and items without one
	Kind          string `koanf:"kind"`           // jira or github
	URL           string `koanf:"url"`            // Jira: https://your-domain.atlassian.net; GitHub: API root, default https://api.github.com
	Project       string `koanf:"project"`        // Jira project key
	IssueType     string `koanf:"issue_type"`     // Jira issue type; default Task
	Repo          string `koanf:"repo"`           // GitHub owner/name
	Email         string `koanf:"email"`          // Jira: the account's email (basic auth with the token)
	Token         string `koanf:"token"`          // Jira API token or GitHub token (a secret)
	WebhookSecret string `koanf:"webhook_secret"` // secret of the webhook to POST /hooks/jira or /hooks/github-issues
}

// validate checks the publishing keys, never repeating a secret.
func (p PublishingConfig) validate(bad func(key, format string, args ...any)) {
	g := p.Git
	if g.URL != "" && g.Token != "" && g.SSHKeyFile != "" {
		bad("publishing.git.token", "set either token (HTTPS) or ssh_key_file (SSH), not both")
	}
	if g.SSHKeyFile != "" && (strings.HasPrefix(g.URL, "http://") || strings.HasPrefix(g.URL, "https://")) {
		bad("publishing.git.ssh_key_file", "the repository URL is HTTPS; an SSH key needs an ssh:// or git@host: URL")
	}
	if g.PollInterval < 0 || (g.PollInterval > 0 && g.PollInterval < time.Second) {
		bad("publishing.git.poll_interval", "must be at least 1s, got %s", g.PollInterval)
	}
	f := p.Forge
	switch f.Kind {
	case "":
	case "github", "gitea", "forgejo":
		if g.URL == "" {
			bad("publishing.forge.kind", "a forge needs publishing.git.url")
		}
		if !strings.Contains(f.Repo, "/") {
			bad("publishing.forge.repo", "%q must be owner/name", f.Repo)
		}
		if f.Kind != "github" && f.APIURL == "" {
			bad("publishing.forge.api_url", "Gitea and Forgejo need their API URL, e.g. https://gitea.example/api/v1")
		}
		if f.APIURL != "" && !isHTTPURL(f.APIURL) {
			bad("publishing.forge.api_url", "%q must be an http(s) URL", f.APIURL)
		}
	default:
		bad("publishing.forge.kind", "%q must be github, gitea or forgejo", f.Kind)
	}
	seen := map[string]bool{}
	for i, t := range p.Trackers {
		key := fmt.Sprintf("publishing.trackers[%d]", i)
		if seen[t.Team] {
			bad(key+".team", "%q has two trackers", t.Team)
		}
		seen[t.Team] = true
		switch t.Kind {
		case "jira":
			if u, err := url.Parse(t.URL); err != nil || !isHTTPURL(t.URL) || u.Host == "" {
				bad(key+".url", "Jira needs its site URL, e.g. https://your-domain.atlassian.net")
			}
			if t.Project == "" || t.Email == "" || t.Token == "" {
				bad(key, "Jira needs project, email and token")
			}
		case "github":
			if !strings.Contains(t.Repo, "/") {
				bad(key+".repo", "%q must be owner/name", t.Repo)
			}
			if t.Token == "" {
				bad(key+".token", "GitHub needs a token")
			}
			if t.URL != "" && !isHTTPURL(t.URL) {
				bad(key+".url", "%q must be an http(s) URL", t.URL)
			}
		default:
			bad(key+".kind", "%q must be jira or github", t.Kind)
		}
	}
	if p.TrackerPollInterval < 0 || (p.TrackerPollInterval > 0 && p.TrackerPollInterval < time.Second) {
		bad("publishing.tracker_poll_interval", "must be at least 1s, got %s", p.TrackerPollInterval)
	}
}
