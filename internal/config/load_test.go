package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writeYAML writes content to a temporary config file and returns its path.
func writeYAML(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "firebreak.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string // written to a temp file when not empty
		environ []string
		flags   map[string]any
		want    func(c *Config) // edits Default() into the expected result
	}{
		{
			name: "nothing set gives the defaults",
			want: func(*Config) {},
		},
		{
			name: "YAML overrides defaults and leaves the rest",
			yaml: "listen: 0.0.0.0:9000\ndata_dir: /var/lib/firebreak\nlog:\n  level: debug\n",
			want: func(c *Config) {
				c.Listen = "0.0.0.0:9000"
				c.DataDir = "/var/lib/firebreak"
				c.Log.Level = "debug"
				c.BaseURL = "http://localhost:9000"
			},
		},
		{
			name:    "environment overrides YAML",
			yaml:    "listen: 127.0.0.1:9000\ndata_dir: /from/yaml\n",
			environ: []string{"FIREBREAK_LISTEN=127.0.0.1:9100", "PATH=/usr/bin"},
			want: func(c *Config) {
				c.Listen = "127.0.0.1:9100"
				c.DataDir = "/from/yaml"
				c.BaseURL = "http://127.0.0.1:9100"
			},
		},
		{
			name:    "flags override environment",
			yaml:    "listen: 127.0.0.1:9000\n",
			environ: []string{"FIREBREAK_LISTEN=127.0.0.1:9100", "FIREBREAK_DATA_DIR=/from/env"},
			flags:   map[string]any{"listen": "127.0.0.1:9200"},
			want: func(c *Config) {
				c.Listen = "127.0.0.1:9200"
				c.DataDir = "/from/env"
				c.BaseURL = "http://127.0.0.1:9200"
			},
		},
		{
			name:  "nil flag values are not set",
			flags: map[string]any{"listen": nil},
			want:  func(*Config) {},
		},
		{
			name:    "nested key through a double underscore",
			environ: []string{"FIREBREAK_LOG__LEVEL=warn", "FIREBREAK_LOG__FORMAT=text"},
			want:    func(c *Config) { c.Log = LogConfig{Level: "warn", Format: "text"} },
		},
		{
			name:    "CLI and test variables are ignored",
			environ: []string{"FIREBREAK_URL=http://x", "FIREBREAK_TOKEN=t", "FIREBREAK_CONFIG=/etc/f.yaml", "FIREBREAK_TEST_POSTGRES=postgres://x", "FIREBREAK_TEST_REQUIRE=postgres"},
			want:    func(*Config) {},
		},
		{
			name: "duration from YAML",
			yaml: "shutdown_timeout: 1m30s\n",
			want: func(c *Config) { c.ShutdownTimeout = 90 * time.Second },
		},
		{
			name:    "duration from environment",
			environ: []string{"FIREBREAK_SHUTDOWN_TIMEOUT=2s"},
			want:    func(c *Config) { c.ShutdownTimeout = 2 * time.Second },
		},
		{
			name:  "duration from a flag, typed or text",
			flags: map[string]any{"shutdown_timeout": 5 * time.Second, "log.level": "error"},
			want: func(c *Config) {
				c.ShutdownTimeout = 5 * time.Second
				c.Log.Level = "error"
			},
		},
		{
			name: "severities from YAML replace the defaults entirely",
			yaml: "severities:\n  - name: P1\n    description: Everything is on fire\n  - name: P2\n",
			want: func(c *Config) {
				c.Severities = []Severity{{Name: "P1", Description: "Everything is on fire"}, {Name: "P2"}}
			},
		},
		{
			name: "detect settings from YAML",
			yaml: "detect:\n  dismiss_reasons: [flaky check, planned work]\n  routing_rules:\n    - name: prod pages\n      when: labels.env == 'prod'\n      service: api\n      action: declare\n      severity: SEV1\n",
			want: func(c *Config) {
				c.Detect.DismissReasons = []string{"flaky check", "planned work"}
				c.Detect.RoutingRules = []RoutingRule{{Name: "prod pages", When: "labels.env == 'prod'", Service: "api", Action: "declare", Severity: "SEV1"}}
			},
		},
		{
			name: "webhooks from YAML",
			yaml: "webhooks:\n  incident_events:\n    - url: https://hooks.example.com/fb\n      secret: s3cret\n",
			want: func(c *Config) {
				c.Webhooks.IncidentEvents = []Webhook{{URL: "https://hooks.example.com/fb", Secret: "s3cret"}}
			},
		},
		{
			name:    "postgres database URL from environment",
			environ: []string{"FIREBREAK_DATABASE_URL=postgres://fb:pw@db:5432/firebreak"},
			want:    func(c *Config) { c.DatabaseURL = "postgres://fb:pw@db:5432/firebreak" },
		},
		{
			name:    "empty variable clears a value from YAML",
			yaml:    "database_url: postgres://db/firebreak\n",
			environ: []string{"FIREBREAK_DATABASE_URL="},
			want:    func(*Config) {},
		},
		{
			name: "explicit base_url is kept",
			yaml: "base_url: https://firebreak.example.com\n",
			want: func(c *Config) { c.BaseURL = "https://firebreak.example.com" },
		},
		{
			name: "a key with no value leaves the default",
			yaml: "log:\nlisten:\n",
			want: func(*Config) {},
		},
		{
			name: "empty file",
			yaml: "# nothing yet\n",
			want: func(*Config) {},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeYAML(t, tt.yaml)
			}
			got, err := Load(path, tt.environ, tt.flags)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := Default()
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		environ []string
		flags   map[string]any
		want    []string // substrings of the error; "$PATH" is the YAML file's path
		notWant string   // must not appear (a secret)
	}{
		{
			name: "unknown YAML key is named with the file",
			yaml: "listen: 127.0.0.1:8080\nlisen: 127.0.0.1:9000\n",
			want: []string{`config: unknown key "lisen" in $PATH`},
		},
		{
			name: "unknown key inside an unknown section is named in full",
			yaml: "server:\n  lisen: 127.0.0.1:9000\n",
			want: []string{`config: unknown key "server.lisen" in $PATH`},
		},
		{
			name: "unknown nested key",
			yaml: "log:\n  levle: debug\n",
			want: []string{`unknown key "log.levle"`},
		},
		{
			name: "every unknown key is named",
			yaml: "lisen: x\ndatadir: y\n",
			want: []string{`unknown keys "datadir", "lisen"`},
		},
		{
			name: "unknown key in a list element",
			yaml: "severities:\n  - name: SEV1\n    desc: oops\n",
			want: []string{`unknown key "severities[0].desc"`},
		},
		{
			name:    "unknown environment variable",
			environ: []string{"FIREBREAK_LISEN=127.0.0.1:9000"},
			want:    []string{"unknown environment variable FIREBREAK_LISEN"},
		},
		{
			name:    "single underscore for nesting gets a hint",
			environ: []string{"FIREBREAK_LOG_LEVEL=debug"},
			want:    []string{"unknown environment variable FIREBREAK_LOG_LEVEL (did you mean FIREBREAK_LOG__LEVEL?)"},
		},
		{
			name:    "lists cannot be set from the environment",
			environ: []string{"FIREBREAK_SEVERITIES=SEV1"},
			want:    []string{"FIREBREAK_SEVERITIES: severities can be set only in the YAML file"},
		},
		{
			name:    "a section cannot be set from the environment",
			environ: []string{"FIREBREAK_LOG=debug"},
			want:    []string{"unknown environment variable FIREBREAK_LOG"},
		},
		{
			name:  "unknown flag key",
			flags: map[string]any{"config": "/etc/firebreak.yaml"},
			want:  []string{`unknown key "config" from command-line flags`},
		},
		{
			name:    "wrong type: number for a string",
			yaml:    "listen: 8080\ndatabase_url: 12345\n",
			want:    []string{`key "listen" in $PATH: expected a string, got a number`, `key "database_url"`},
			notWant: "12345",
		},
		{
			name: "wrong type: scalar for a section",
			yaml: "log: debug\n",
			want: []string{`key "log" in $PATH: expected a mapping, got a string`},
		},
		{
			name: "wrong type: a number in the dismiss reasons",
			yaml: "detect:\n  dismiss_reasons: [flaky, 42]\n",
			want: []string{`"detect.dismiss_reasons[1]"`, "expected a string, got a number"},
		},
		{
			name:    "dismiss reasons cannot be set from the environment",
			environ: []string{"FIREBREAK_DETECT__DISMISS_REASONS=x"},
			want:    []string{"FIREBREAK_DETECT__DISMISS_REASONS", "detect.dismiss_reasons can be set only in the YAML file"},
		},
		{
			name: "routing rule with an unknown action is named",
			yaml: "detect:\n  routing_rules:\n    - name: quiet\n      when: 'true'\n      action: mute\n",
			want: []string{"detect.routing_rules[0].action", `rule "quiet"`, "declare, triage or suppress"},
		},
		{
			name: "wrong type: mapping for a list",
			yaml: "severities:\n  name: SEV1\n",
			want: []string{`key "severities" in $PATH: expected a list, got a mapping`},
		},
		{
			name:    "wrong type: webhook secret is not repeated",
			yaml:    "webhooks:\n  incident_events:\n    - url: https://x.example\n      secret: 424242\n",
			want:    []string{`key "webhooks.incident_events[0].secret"`},
			notWant: "424242",
		},
		{
			name: "wrong type: bare number for a duration",
			yaml: "shutdown_timeout: 15\n",
			want: []string{`key "shutdown_timeout" in $PATH: expected a duration such as "15s"`},
		},
		{
			name:    "bad duration from environment",
			environ: []string{"FIREBREAK_SHUTDOWN_TIMEOUT=fast"},
			want:    []string{`key "shutdown_timeout" from environment variable FIREBREAK_SHUTDOWN_TIMEOUT`, `got "fast"`},
		},
		{
			name:  "wrong flag type",
			flags: map[string]any{"listen": 8080},
			want:  []string{`key "listen" from command-line flags: expected a string`},
		},
		{
			name:    "invalid listen",
			environ: []string{"FIREBREAK_LISTEN=8080"},
			want:    []string{`config: listen: "8080" is not host:port`},
		},
		{
			name:    "database URL of another kind, without leaking the password",
			environ: []string{"FIREBREAK_DATABASE_URL=mysql://fb:hunter2@db/firebreak"},
			want:    []string{"database_url: must be a postgres:// or postgresql:// URL", `"mysql"`},
			notWant: "hunter2",
		},
		{
			name: "YAML that does not parse",
			yaml: "listen: [\n",
			want: []string{"config: parse $PATH"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeYAML(t, tt.yaml)
			}
			_, err := Load(path, tt.environ, tt.flags)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "$PATH", path)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("error %q reveals %q", err, tt.notWant)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")
	_, err := Load(path, nil, nil)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Load(%q) = %v, want an error naming the file", path, err)
	}
}
