package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// envPrefix starts every environment variable Firebreak reads.
const envPrefix = "FIREBREAK_"

// ignoredEnv reports whether a FIREBREAK_* variable belongs to something
// other than the server configuration and must not be rejected as unknown.
// This is the one list of such variables.
func ignoredEnv(name string) bool {
	switch name {
	case "FIREBREAK_URL", // CLI: address of the server's API
		"FIREBREAK_TOKEN",  // CLI: API token
		"FIREBREAK_CONFIG": // path of the YAML file, read by cmd/firebreak
		return true
	}
	return strings.HasPrefix(name, "FIREBREAK_TEST_") // test harness settings
}

// envKey maps a variable name to its koanf key: the prefix is dropped, the
// rest lower-cased, and a double underscore separates nesting levels since
// keys themselves contain underscores: FIREBREAK_LOG__LEVEL is log.level.
func envKey(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(name, envPrefix)), "__", ".")
}

// envName is the variable that sets key, the inverse of envKey.
func envName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "__"))
}

// checkEnv reports every FIREBREAK_* variable that sets no known key, sets
// a list, or holds a value of the wrong type, naming the variable.
func checkEnv(environ []string, schema *node) error {
	scalars := scalarKeys(schema)
	lists := listKeys(schema)
	var errs []error
	for _, kv := range slices.Sorted(slices.Values(environ)) {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || ignoredEnv(name) {
			continue
		}
		key := envKey(name)
		n, ok := scalars[key]
		if !ok {
			if l, isList := listOf(key, lists); isList {
				errs = append(errs, fmt.Errorf("config: environment variable %s: %s can be set only in the YAML file", name, l))
				continue
			}
			errs = append(errs, fmt.Errorf("config: unknown environment variable %s%s", name, envHint(name, scalars)))
			continue
		}
		if problem := leafProblem(n.kind, val); problem != "" {
			errs = append(errs, fmt.Errorf("config: key %q from environment variable %s: %s", key, name, problem))
		}
	}
	return errors.Join(errs...)
}

// listOf returns the list key that key is, or lies inside.
func listOf(key string, lists []string) (string, bool) {
	for _, l := range lists {
		if key == l || strings.HasPrefix(key, l+".") {
			return l, true
		}
	}
	return "", false
}

// envHint suggests the right name when the only mistake is a single
// underscore where nesting needs two (FIREBREAK_LOG_LEVEL).
func envHint(name string, scalars map[string]*node) string {
	flat := strings.ReplaceAll(name, "__", "_")
	var found []string
	for key := range scalars {
		want := envName(key)
		if want != name && strings.ReplaceAll(want, "__", "_") == flat {
			found = append(found, want)
		}
	}
	if len(found) == 0 {
		return ""
	}
	slices.Sort(found)
	return " (did you mean " + strings.Join(found, " or ") + "?)"
}
