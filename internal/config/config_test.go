package config

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefault(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"listen", c.Listen, "127.0.0.1:8080"},
		{"data_dir", c.DataDir, "./firebreak-data"},
		{"database_url", c.DatabaseURL, ""},
		{"base_url", c.BaseURL, "http://127.0.0.1:8080"},
		{"log.level", c.Log.Level, "info"},
		{"log.format", c.Log.Format, "json"},
		{"shutdown_timeout", c.ShutdownTimeout, 15 * time.Second},
		{"severity names", names(c.Severities), []string{"SEV1", "SEV2", "SEV3", "SEV4"}},
		{"webhooks", len(c.Webhooks.IncidentEvents), 0},
		{"sqlite path", c.SQLitePath(), filepath.Join("firebreak-data", "firebreak.db")},
		{"postgres", c.IsPostgres(), false},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.what, ch.got, ch.want)
		}
	}
	// Default must hand out a fresh slice each time.
	c.Severities[0].Name = "changed"
	if Default().Severities[0].Name != "SEV1" {
		t.Error("Default shares its severities slice between calls")
	}
}

func names(ss []Severity) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func TestIsPostgres(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"", false},
		{"postgres://fb@db/firebreak", true},
		{"postgresql://fb@db:5432/firebreak?sslmode=require", true},
		{"POSTGRES://db/firebreak", true},
		{"sqlite:///tmp/x.db", false},
		{"mysql://db/x", false},
	}
	for _, tt := range tests {
		if got := (Config{DatabaseURL: tt.url}).IsPostgres(); got != tt.want {
			t.Errorf("IsPostgres(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(c *Config)
		want   string // substring of the error; "" = valid
	}{
		{"defaults are valid", func(*Config) {}, ""},
		{"any port", func(c *Config) { c.Listen = "127.0.0.1:0" }, ""},
		{"all interfaces", func(c *Config) { c.Listen = ":8080" }, ""},
		{"IPv6 listen", func(c *Config) { c.Listen = "[::1]:8080" }, ""},
		{"listen without port", func(c *Config) { c.Listen = "localhost" }, `listen: "localhost" is not host:port`},
		{"listen with a bad port", func(c *Config) { c.Listen = "localhost:http" }, "listen: \"localhost:http\" has a port"},
		{"listen port out of range", func(c *Config) { c.Listen = "localhost:70000" }, "listen:"},
		{"empty data_dir", func(c *Config) { c.DataDir = " " }, "data_dir: must not be empty"},
		{"postgresql URL", func(c *Config) { c.DatabaseURL = "postgresql://db/fb" }, ""},
		{"other database URL", func(c *Config) { c.DatabaseURL = "file:x.db" }, "database_url:"},
		{"unparsable database URL", func(c *Config) { c.DatabaseURL = "postgres://db:port/x" }, "database_url: is not a valid URL"},
		{"relative base_url", func(c *Config) { c.BaseURL = "/firebreak" }, "base_url:"},
		{"bad log level", func(c *Config) { c.Log.Level = "verbose" }, `log.level: "verbose" must be one of`},
		{"bad log format", func(c *Config) { c.Log.Format = "logfmt" }, `log.format: "logfmt"`},
		{"no severities", func(c *Config) { c.Severities = nil }, "severities: at least one"},
		{"empty severity name", func(c *Config) { c.Severities[1].Name = "" }, "severities[1].name: must not be empty"},
		{"duplicate severity", func(c *Config) { c.Severities[2].Name = "sev1" }, `severities[2].name: "sev1" repeats severities[0].name`},
		{"webhook URL relative", func(c *Config) { c.Webhooks.IncidentEvents = []Webhook{{URL: "/hook"}} }, "webhooks.incident_events[0].url: must be an absolute"},
		{"webhook URL ftp", func(c *Config) { c.Webhooks.IncidentEvents = []Webhook{{URL: "ftp://x/y"}} }, "webhooks.incident_events[0].url"},
		{"webhook URL https", func(c *Config) { c.Webhooks.IncidentEvents = []Webhook{{URL: "https://x.example/y"}} }, ""},
		{"no dismiss reasons", func(c *Config) { c.Detect.DismissReasons = nil }, "detect.dismiss_reasons: at least one"},
		{"empty dismiss reason", func(c *Config) { c.Detect.DismissReasons = []string{"ok", " "} }, "detect.dismiss_reasons[1]: must not be empty"},
		{"duplicate dismiss reason", func(c *Config) { c.Detect.DismissReasons = []string{"Flaky", "flaky"} }, `detect.dismiss_reasons[1]: "flaky" repeats detect.dismiss_reasons[0]`},
		{"routing rule without a name", func(c *Config) { c.Detect.RoutingRules = []RoutingRule{{When: "true", Action: "triage"}} }, "detect.routing_rules[0].name: must not be empty"},
		{"routing rule without a condition", func(c *Config) { c.Detect.RoutingRules = []RoutingRule{{Name: "a", Action: "triage"}} }, `detect.routing_rules[0].when: rule "a" needs a condition`},
		{"routing rules with the same name", func(c *Config) {
			c.Detect.RoutingRules = []RoutingRule{{Name: "a", When: "true", Action: "triage"}, {Name: "A", When: "true", Action: "suppress"}}
		}, `detect.routing_rules[1].name: "A" repeats`},
		{"severity on a triage rule", func(c *Config) {
			c.Detect.RoutingRules = []RoutingRule{{Name: "a", When: "true", Action: "triage", Severity: "SEV1"}}
		}, `detect.routing_rules[0].severity: rule "a": only a declare rule`},
		{"good routing rule", func(c *Config) {
			c.Detect.RoutingRules = []RoutingRule{{Name: "a", When: "severity == 'critical'", Service: "api", Action: "declare", Severity: "SEV1"}}
		}, ""},
		{"zero shutdown timeout", func(c *Config) { c.ShutdownTimeout = 0 }, "shutdown_timeout: must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.modify(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Validate() = nil, want an error containing %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Validate() = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Listen = "nope"
	c.Log.Level = "loud"
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "listen:") || !strings.Contains(err.Error(), "log.level:") {
		t.Fatalf("Validate() = %v, want both listen and log.level named", err)
	}
}

func TestDefaultBaseURL(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		":8080":          "http://localhost:8080",
		"0.0.0.0:80":     "http://localhost:80",
		"[::]:8080":      "http://localhost:8080",
		"[::1]:8080":     "http://[::1]:8080",
	}
	for listen, want := range tests {
		if got := defaultBaseURL(listen); got != want {
			t.Errorf("defaultBaseURL(%q) = %q, want %q", listen, got, want)
		}
	}
}

// The keys derived from the struct tags are the ones documented and mapped
// to environment variables; a new field shows up here first.
func TestKeys(t *testing.T) {
	schema := configSchema()
	var scalars []string
	for key := range scalarKeys(schema) {
		scalars = append(scalars, key)
		if got := envKey(envName(key)); got != key {
			t.Errorf("envKey(envName(%q)) = %q", key, got)
		}
	}
	slices.Sort(scalars)
	wantScalars := []string{"base_url", "chat.announcements_channel", "chat.archive_on_close", "chat.call_link_template", "chat.capture_reaction", "chat.channel_pattern", "chat.command", "chat.slack.api_url", "chat.slack.app_token", "chat.slack.bot_token", "chat.slack.mode", "chat.slack.signing_secret", "data_dir", "database_url", "listen", "log.format", "log.level", "notifications.sms.gateway.authorization", "notifications.sms.gateway.body", "notifications.sms.gateway.content_type", "notifications.sms.gateway.method", "notifications.sms.gateway.url", "notifications.sms.provider", "notifications.sms.twilio.account_sid", "notifications.sms.twilio.auth_token", "notifications.sms.twilio.base_url", "notifications.sms.twilio.from", "notifications.webhook_allow_private", "postmortem.approvals", "postmortem.form_reminder_before", "postmortem.meeting_max", "postmortem.meeting_within", "postmortem.overdue_grace", "postmortem.priority_within", "postmortem.review", "publishing.forge.api_url", "publishing.forge.kind", "publishing.forge.repo", "publishing.forge.token", "publishing.forge.webhook_secret", "publishing.git.author_email", "publishing.git.author_name", "publishing.git.branch", "publishing.git.branch_prefix", "publishing.git.dir", "publishing.git.poll_interval", "publishing.git.ssh_key_file", "publishing.git.ssh_key_passphrase", "publishing.git.ssh_known_hosts", "publishing.git.token", "publishing.git.url", "publishing.git.username", "publishing.tracker_poll_interval", "shutdown_timeout", "smtp.from", "smtp.host", "smtp.password", "smtp.tls", "smtp.username", "status_listen"}
	if !slices.Equal(scalars, wantScalars) {
		t.Errorf("scalar keys = %q, want %q", scalars, wantScalars)
	}
	if got, want := listKeys(schema), []string{"detect.dismiss_reasons", "detect.routing_rules", "postmortem.waivable_severities", "publishing.trackers", "severities", "webhooks.incident_events"}; !slices.Equal(got, want) {
		t.Errorf("list keys = %q, want %q", got, want)
	}
	// The defaults layer passes the same checks as a YAML file.
	def := toMap(reflect.ValueOf(defaults())).(map[string]any)
	if err := checkSection("in defaults", "", schema, def); err != nil {
		t.Errorf("defaults fail their own schema: %v", err)
	}
}
