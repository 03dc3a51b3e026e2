package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/forge"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/notify/sms"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
	"github.com/firebreak-hq/firebreak/internal/tracker"
	"github.com/firebreak-hq/firebreak/internal/tracker/github"
	"github.com/firebreak-hq/firebreak/internal/tracker/jira"
)

// Publishing is the postmortem site, git review and tracker sync.
type Publishing struct {
	Site    *site.Service
	Git     *gitpub.Service  // nil unless publishing.git.url is set
	Tracker *tracker.Service // nil unless publishing.trackers lists one

	forgeSecret    string
	trackerSecrets map[string][]string // kind → webhook secrets
}

// registerPublishingJobs registers the git review's workers before the
// queue opens; they reach the service built later by buildPublishing.
func (a *App) registerPublishingJobs(reg *jobs.Registry) {
	jobs.Handle(reg, func(ctx context.Context, j gitpub.PushJob, n int) error {
		if a.Publishing.Git == nil {
			return nil // git review was configured when the job was queued, not any more
		}
		return a.Publishing.Git.Push(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j gitpub.MarkJob, n int) error {
		if a.Publishing.Git == nil {
			return nil
		}
		return a.Publishing.Git.Mark(ctx, j, n)
	})
}

// secret resolves a credential written as "env:NAME", "file:/path" or the value itself.
func secret(key, v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "env:"):
		s, ok := os.LookupEnv(strings.TrimPrefix(v, "env:"))
		if !ok {
			return "", fmt.Errorf("%s: the environment variable %s is not set", key, strings.TrimPrefix(v, "env:"))
		}
		return s, nil
	case strings.HasPrefix(v, "file:"):
		b, err := os.ReadFile(strings.TrimPrefix(v, "file:"))
		if err != nil {
			return "", fmt.Errorf("%s: %w", key, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimSpace(line), nil
	}
	return v, nil
}

// buildPublishing wires the site (always), git review (when a repository is
// configured) and tracker sync (when a tracker is), and plugs them into the
// postmortem service.
func (a *App) buildPublishing(q *jobs.Queue) error {
	cfg := a.Config.Publishing
	a.Publishing.Site = site.NewService(a.Store.PostmortemSite())
	a.Postmortems.UseIndexer(a.Publishing.Site)
	if cfg.Git.URL != "" {
		svc, err := a.buildGitReview(q, cfg)
		if err != nil {
			return err
		}
		a.Publishing.Git = svc
		a.Postmortems.UsePublisher(svc)
	}
	if len(cfg.Trackers) > 0 {
		svc, err := a.buildTrackers(cfg)
		if err != nil {
			return err
		}
		a.Publishing.Tracker = svc
		a.Postmortems.UseTracker(svc)
	}
	return nil
}

func (a *App) buildGitReview(q *jobs.Queue, cfg config.PublishingConfig) (*gitpub.Service, error) {
	g := cfg.Git
	auth, err := gitAuth(g)
	if err != nil {
		return nil, err
	}
	email := g.AuthorEmail
	if email == "" {
		host := "localhost"
		if u, err := url.Parse(a.Config.BaseURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		email = "firebreak@" + host
	}
	repo := &gitpub.Repo{URL: g.URL, Main: g.Branch, Auth: auth, AuthorName: g.AuthorName, AuthorEmail: email,
		CacheDir: filepath.Join(a.Config.DataDir, "gitpub")}
	opts := gitpub.Options{Dir: g.Dir, BranchPrefix: g.BranchPrefix, Now: a.Now, Log: a.Log}
	if f := cfg.Forge; f.Kind != "" {
		token, err := secret("publishing.forge.token", f.Token)
		if err != nil {
			return nil, err
		}
		if a.Publishing.forgeSecret, err = secret("publishing.forge.webhook_secret", f.WebhookSecret); err != nil {
			return nil, err
		}
		owner, name, _ := strings.Cut(f.Repo, "/")
		kind, api := forge.Gitea, f.APIURL
		if f.Kind == "github" {
			kind = forge.GitHub
			if api == "" {
				api = "https://api.github.com"
			}
		}
		opts.Forge = &forge.Client{Kind: kind, BaseURL: api, Token: token, Owner: owner, Repo: name}
	}
	svc := gitpub.NewService(repo, a.Store.GitPublications(q), opts)
	svc.SetMarker(a.Postmortems)
	return svc, nil
}

// gitAuth builds the credentials of the repository: an SSH key (host keys
// checked against known_hosts), an HTTPS user and token, or none (a path on
// disk, or a public repository).
func gitAuth(g config.GitPublishConfig) (transport.AuthMethod, error) {
	if g.SSHKeyFile != "" {
		pass, err := secret("publishing.git.ssh_key_passphrase", g.SSHKeyPassphrase)
		if err != nil {
			return nil, err
		}
		user := "git"
		if u, err := url.Parse(g.URL); err == nil && u.User != nil {
			user = u.User.Username()
		} else if at := strings.Index(g.URL, "@"); at > 0 && !strings.Contains(g.URL[:at], "/") {
			user = g.URL[:at]
		}
		keys, err := gitssh.NewPublicKeysFromFile(user, g.SSHKeyFile, pass)
		if err != nil {
			return nil, fmt.Errorf("publishing.git.ssh_key_file: %w", err)
		}
		var files []string
		if g.SSHKnownHosts != "" {
			files = append(files, g.SSHKnownHosts)
		}
		cb, err := gitssh.NewKnownHostsCallback(files...)
		if err != nil {
			return nil, fmt.Errorf("publishing.git.ssh_known_hosts: %w", err)
		}
		keys.HostKeyCallback = cb
		return keys, nil
	}
	if g.Token != "" {
		token, err := secret("publishing.git.token", g.Token)
		if err != nil {
			return nil, err
		}
		user := g.Username
		if user == "" {
			user = "firebreak"
		}
		return &githttp.BasicAuth{Username: user, Password: token}, nil
	}
	return nil, nil
}

func (a *App) buildTrackers(cfg config.PublishingConfig) (*tracker.Service, error) {
	teams := map[string]tracker.Client{}
	a.Publishing.trackerSecrets = map[string][]string{}
	for i, t := range cfg.Trackers {
		key := fmt.Sprintf("publishing.trackers[%d]", i)
		token, err := secret(key+".token", t.Token)
		if err != nil {
			return nil, err
		}
		hook, err := secret(key+".webhook_secret", t.WebhookSecret)
		if err != nil {
			return nil, err
		}
		if hook != "" {
			a.Publishing.trackerSecrets[t.Kind] = append(a.Publishing.trackerSecrets[t.Kind], hook)
		}
		switch t.Kind {
		case "jira":
			teams[t.Team] = &jira.Client{BaseURL: t.URL, Email: t.Email, Token: token, Project: t.Project, IssueType: t.IssueType}
		case "github":
			teams[t.Team] = &github.Client{BaseURL: t.URL, Token: token, Repo: t.Repo}
		}
	}
	svc := tracker.NewService(a.Store.TrackerLinks(), tracker.Options{
		Teams: teams,
		TeamName: func(ctx context.Context, id int64) (string, error) {
			t, err := a.Catalog.GetTeam(access.With(ctx, access.System), id)
			return t.Name, err
		},
		ItemURL: func(it postmortem.ActionItem) string {
			return fmt.Sprintf("%s/postmortems/INC-%d/publishing", strings.TrimRight(a.Config.BaseURL, "/"), it.Number)
		},
		Now: a.Now, Log: a.Log,
	})
	svc.UseItems(pmItems{a})
	return svc, nil
}

// pmItems lets a tracker's status close (or reopen) an action item.
type pmItems struct{ a *App }

func (p pmItems) SetItemDone(ctx context.Context, id int64, done bool) error {
	st := postmortem.ItemOpen
	if done {
		st = postmortem.ItemDone
	}
	_, err := p.a.Postmortems.UpdateItem(ctx, id, 0, postmortem.ItemInput{Status: &st})
	return err
}

// runPublishing polls the main branch for merged reviews and the trackers
// for issues' status until ctx ends. Webhooks make both faster; polling
// makes them work without a public URL. Every node may poll: a merge is
// recorded once (the store's state change is conditional) and a status
// change is idempotent.
func (a *App) runPublishing(ctx context.Context) {
	if a.Publishing.Git != nil {
		go every(ctx, orDefault(a.Config.Publishing.Git.PollInterval, time.Minute), func() {
			if err := a.Publishing.Git.Poll(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("git review poll", "error", err)
			}
		})
	}
	if a.Publishing.Tracker != nil {
		go every(ctx, orDefault(a.Config.Publishing.TrackerPollInterval, 5*time.Minute), func() {
			if err := a.Publishing.Tracker.Poll(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("tracker poll", "error", err)
			}
		})
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func every(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
		}
	}
}

// mountPublishing serves the signed webhooks of the forge and the trackers
// (and Twilio's delivery receipts). They are authenticated by their HMAC
// signatures, not by a session.
func (a *App) mountPublishing(mux *http.ServeMux) {
	mux.HandleFunc("POST "+twilioStatusPath, a.twilioHook)
	mux.HandleFunc("POST /hooks/forge", a.forgeHook)
	mux.HandleFunc("POST /hooks/jira", a.jiraHook)
	mux.HandleFunc("POST /hooks/github-issues", a.githubIssuesHook)
}

// hookAnswer writes a webhook's answer: 204 when handled or ignored, 401
// for a bad signature, 404 when the feature is off, 500 (so the sender
// retries) when Firebreak could not record it.
func (a *App) hookAnswer(w http.ResponseWriter, name string, err error) {
	switch {
	case err == nil, errors.Is(err, forge.ErrNotPullRequest), errors.Is(err, github.ErrNotIssues):
		w.WriteHeader(http.StatusNoContent)
	case errors.Is(err, forge.ErrSignature), errors.Is(err, jira.ErrSignature), errors.Is(err, sms.ErrSignature):
		http.Error(w, "signature missing or wrong", http.StatusUnauthorized)
	default:
		a.Log.Error(name+" webhook", "error", err)
		http.Error(w, "could not record the event; send it again", http.StatusInternalServerError)
	}
}

func (a *App) forgeHook(w http.ResponseWriter, r *http.Request) {
	if a.Publishing.Git == nil || a.Publishing.forgeSecret == "" {
		http.NotFound(w, r)
		return
	}
	ev, err := forge.ReadWebhook(r, a.Publishing.forgeSecret)
	if err == nil {
		err = a.Publishing.Git.HandleEvent(r.Context(), ev)
	}
	a.hookAnswer(w, "forge", err)
}

// readSigned reads a body and checks it against any of the secrets.
func readSigned(r *http.Request, header string, secrets []string) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 5<<20))
	if err != nil {
		return nil, false
	}
	h := http.Header{"X-Hub-Signature-256": {r.Header.Get(header)}}
	for _, s := range secrets {
		if forge.SignatureValid(h, body, s) {
			return body, true
		}
	}
	return nil, false
}

func (a *App) jiraHook(w http.ResponseWriter, r *http.Request) {
	if a.Publishing.Tracker == nil || len(a.Publishing.trackerSecrets["jira"]) == 0 {
		http.NotFound(w, r)
		return
	}
	body, ok := readSigned(r, "X-Hub-Signature", a.Publishing.trackerSecrets["jira"])
	if !ok {
		a.hookAnswer(w, "jira", jira.ErrSignature)
		return
	}
	ev, err := jira.ParseEvent(body)
	if err == nil && ev.Key != "" {
		project := ev.Project
		if project == "" {
			project, _, _ = strings.Cut(ev.Key, "-")
		}
		err = a.Publishing.Tracker.Changed(r.Context(), "jira", project, ev.Key, ev.State, ev.Done)
	}
	a.hookAnswer(w, "jira", err)
}

func (a *App) githubIssuesHook(w http.ResponseWriter, r *http.Request) {
	if a.Publishing.Tracker == nil || len(a.Publishing.trackerSecrets["github"]) == 0 {
		http.NotFound(w, r)
		return
	}
	body, ok := readSigned(r, "X-Hub-Signature-256", a.Publishing.trackerSecrets["github"])
	if !ok {
		a.hookAnswer(w, "github issues", forge.ErrSignature)
		return
	}
	if r.Header.Get("X-GitHub-Event") != "issues" {
		a.hookAnswer(w, "github issues", github.ErrNotIssues)
		return
	}
	ev, err := github.ParseEvent(body)
	if err == nil {
		err = a.Publishing.Tracker.Changed(r.Context(), "github", ev.Repo, ev.Number, ev.State, ev.Done)
	}
	a.hookAnswer(w, "github issues", err)
}
