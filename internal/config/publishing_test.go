package config

import (
	"strings"
	"testing"
)

func TestPublishingValidation(t *testing.T) {
	cases := []struct {
		name string
		set  func(c *Config)
		want string // "" = valid
	}{
		{"none", func(c *Config) {}, ""},
		{"bare repository, no forge", func(c *Config) { c.Publishing.Git.URL = "/srv/git/postmortems.git" }, ""},
		{"github forge", func(c *Config) {
			c.Publishing.Git = GitPublishConfig{URL: "https://github.com/acme/pm.git", Username: "x-access-token", Token: "env:GIT_TOKEN"}
			c.Publishing.Forge = ForgeConfig{Kind: "github", Repo: "acme/pm", Token: "env:GH", WebhookSecret: "file:/etc/fb/hook"}
		}, ""},
		{"both credentials", func(c *Config) {
			c.Publishing.Git = GitPublishConfig{URL: "git@github.com:acme/pm.git", Token: "x", SSHKeyFile: "/k"}
		}, "publishing.git.token"},
		{"ssh key on https", func(c *Config) { c.Publishing.Git = GitPublishConfig{URL: "https://h/x.git", SSHKeyFile: "/k"} }, "publishing.git.ssh_key_file"},
		{"gitea without api url", func(c *Config) {
			c.Publishing.Git.URL = "/x.git"
			c.Publishing.Forge = ForgeConfig{Kind: "gitea", Repo: "a/b"}
		}, "publishing.forge.api_url"},
		{"unknown forge", func(c *Config) { c.Publishing.Forge.Kind = "gitlab" }, "publishing.forge.kind"},
		{"jira incomplete", func(c *Config) {
			c.Publishing.Trackers = []TrackerConfig{{Kind: "jira", URL: "https://acme.atlassian.net", Project: "PM"}}
		}, "Jira needs project, email and token"},
		{"github tracker ok, jira ok", func(c *Config) {
			c.Publishing.Trackers = []TrackerConfig{{Team: "web", Kind: "github", Repo: "acme/web", Token: "env:T"},
				{Kind: "jira", URL: "https://acme.atlassian.net", Project: "PM", Email: "bot@acme.example", Token: "env:J"}}
		}, ""},
		{"two trackers for a team", func(c *Config) {
			c.Publishing.Trackers = []TrackerConfig{{Team: "web", Kind: "github", Repo: "a/b", Token: "t"}, {Team: "web", Kind: "github", Repo: "a/c", Token: "t"}}
		}, "has two trackers"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.set(&c)
			err := c.Validate()
			if tc.want == "" && err != nil {
				t.Fatalf("valid config refused: %v", err)
			}
			if tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want an error naming %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "env:") {
				t.Fatalf("the error repeats a secret: %v", err)
			}
		})
	}
}
