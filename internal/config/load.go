package config

import (
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"

	"github.com/go-viper/mapstructure/v2"
	kmaps "github.com/knadh/koanf/maps"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/v2"
)

// Load builds the configuration from, in increasing precedence, the
// defaults, the YAML file at path ("" = none), the FIREBREAK_* variables in
// environ (os.Environ() in main, a slice in tests), and flags: the values set
// explicitly on the command line, keyed by koanf key ("listen", "data_dir",
// "log.level"…). An unknown key or a value of the wrong type in any layer is
// an error naming the key and where it came from; the result is validated.
func Load(path string, environ []string, flags map[string]any) (Config, error) {
	schema := configSchema()
	k := koanf.New(".")

	def := toMap(reflect.ValueOf(defaults())).(map[string]any)
	if err := k.Load(confmap.Provider(def, ""), nil); err != nil {
		return Config{}, fmt.Errorf("config: defaults: %w", err)
	}

	if path != "" {
		m, err := readYAML(path)
		if err != nil {
			return Config{}, err
		}
		if err := checkSection("in "+path, "", schema, m); err != nil {
			return Config{}, err
		}
		if err := k.Load(confmap.Provider(m, ""), nil); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	}

	if err := checkEnv(environ, schema); err != nil {
		return Config{}, err
	}
	envp := env.Provider(".", env.Opt{
		Prefix:      envPrefix,
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(name, val string) (string, any) {
			if ignoredEnv(name) {
				return "", nil
			}
			return envKey(name), val
		},
	})
	if err := k.Load(envp, nil); err != nil {
		return Config{}, fmt.Errorf("config: environment: %w", err)
	}

	fl, err := checkFlags(flags, schema)
	if err != nil {
		return Config{}, err
	}
	if err := k.Load(confmap.Provider(fl, "."), nil); err != nil {
		return Config{}, fmt.Errorf("config: flags: %w", err)
	}

	var c Config
	err = k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{
		DecoderConfig: &mapstructure.DecoderConfig{
			DecodeHook:  mapstructure.StringToTimeDurationHookFunc(),
			ErrorUnused: true,
			TagName:     "koanf",
		},
	})
	if err != nil {
		// Each layer was checked above, so this means the checks and the
		// struct disagree; mapstructure's message still names the key.
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if c.BaseURL == "" {
		c.BaseURL = defaultBaseURL(c.Listen)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// readYAML reads the configuration file into a nested map, dropping keys
// that have no value.
func readYAML(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	m, err := yaml.Parser().Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("config: parse %s: %w", path, err)
	}
	if m == nil { // an empty file
		m = map[string]any{}
	}
	kmaps.IntfaceKeysToStrings(m)
	pruneNil(m)
	return m, nil
}

// checkFlags rejects flag values for unknown or list keys and values of the
// wrong type, and returns the flags without nil values.
func checkFlags(flags map[string]any, schema *node) (map[string]any, error) {
	scalars := scalarKeys(schema)
	out := make(map[string]any, len(flags))
	for _, key := range slices.Sorted(maps.Keys(flags)) {
		v := flags[key]
		if v == nil {
			continue
		}
		n, ok := scalars[key]
		if !ok {
			return nil, unknownKeys("from command-line flags", []string{key})
		}
		if problem := leafProblem(n.kind, v); problem != "" {
			return nil, fmt.Errorf("config: key %q from command-line flags: %s", key, problem)
		}
		out[key] = v
	}
	return out, nil
}
