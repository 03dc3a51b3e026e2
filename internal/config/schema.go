package config

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The set of valid keys is derived from the koanf tags of Config, so a new
// field is accepted everywhere (YAML, env, flags) without a second list to
// keep in step.

type nodeKind int

const (
	kindString   nodeKind = iota // a string leaf
	kindDuration                 // a time.Duration leaf, written "15s"
	kindSection                  // a struct: a YAML mapping
	kindList                     // a slice of structs: a YAML list of mappings
	kindStrings                  // a slice of strings: a YAML list of strings
)

// node describes one key of the configuration.
type node struct {
	kind     nodeKind
	children map[string]*node // kindSection: the fields; kindList: the fields of each element
}

var durationType = reflect.TypeFor[time.Duration]()

// schemaOf builds the key tree of a struct type from its koanf tags.
// It panics on a field type it does not know: that is a programming error
// caught by the tests, never by users.
func schemaOf(t reflect.Type) *node {
	switch {
	case t == durationType:
		return &node{kind: kindDuration}
	case t.Kind() == reflect.String:
		return &node{kind: kindString}
	case t.Kind() == reflect.Struct:
		return &node{kind: kindSection, children: fieldsOf(t)}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return &node{kind: kindList, children: fieldsOf(t.Elem())}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return &node{kind: kindStrings}
	}
	panic(fmt.Sprintf("config: unsupported field type %s", t))
}

func fieldsOf(t reflect.Type) map[string]*node {
	m := make(map[string]*node, t.NumField())
	for f := range t.Fields() {
		name := tagName(f)
		if name == "" {
			panic(fmt.Sprintf("config: field %s.%s has no koanf tag", t.Name(), f.Name))
		}
		m[name] = schemaOf(f.Type)
	}
	return m
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("koanf"), ",")
	return name
}

// configSchema is the key tree of Config.
func configSchema() *node { return schemaOf(reflect.TypeFor[Config]()) }

// scalarKeys returns the dotted keys of every leaf outside lists: the keys
// that environment variables and flags may set.
func scalarKeys(n *node) map[string]*node {
	out := make(map[string]*node)
	var walk func(prefix string, n *node)
	walk = func(prefix string, n *node) {
		for name, c := range n.children {
			key := joinKey(prefix, name)
			switch c.kind {
			case kindSection:
				walk(key, c)
			case kindString, kindDuration:
				out[key] = c
			}
		}
	}
	walk("", n)
	return out
}

// listKeys returns the dotted keys of the lists, which only the YAML file may set.
func listKeys(n *node) []string {
	var out []string
	var walk func(prefix string, n *node)
	walk = func(prefix string, n *node) {
		for name, c := range n.children {
			key := joinKey(prefix, name)
			switch c.kind {
			case kindSection:
				walk(key, c)
			case kindList, kindStrings:
				out = append(out, key)
			}
		}
	}
	walk("", n)
	slices.Sort(out)
	return out
}

func joinKey(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// checkSection reports every unknown key and every value of the wrong type
// in m, a mapping read from source (e.g. `in /etc/firebreak.yaml`), in key
// order so that the message is the same on every run.
func checkSection(source, prefix string, n *node, m map[string]any) error {
	var unknown []string
	var errs []error
	var walk func(prefix string, n *node, m map[string]any)
	walk = func(prefix string, n *node, m map[string]any) {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			key, v := joinKey(prefix, name), m[name]
			c, ok := n.children[name]
			if !ok {
				unknown = append(unknown, leafKeys(key, v)...)
				continue
			}
			switch c.kind {
			case kindSection:
				sub, ok := v.(map[string]any)
				if !ok {
					errs = append(errs, typeError(source, key, "a mapping", v))
					continue
				}
				walk(key, c, sub)
			case kindList:
				items, ok := v.([]any)
				if !ok {
					errs = append(errs, typeError(source, key, "a list", v))
					continue
				}
				for i, item := range items {
					ikey := key + "[" + strconv.Itoa(i) + "]"
					sub, ok := item.(map[string]any)
					if !ok {
						errs = append(errs, typeError(source, ikey, "a mapping", item))
						continue
					}
					walk(ikey, c, sub)
				}
			case kindStrings:
				items, ok := v.([]any)
				if !ok {
					errs = append(errs, typeError(source, key, "a list of strings", v))
					continue
				}
				for i, item := range items {
					if _, ok := item.(string); !ok {
						errs = append(errs, typeError(source, key+"["+strconv.Itoa(i)+"]", "a string", item))
					}
				}
			default:
				if problem := leafProblem(c.kind, v); problem != "" {
					errs = append(errs, fmt.Errorf("config: key %q %s: %s", key, source, problem))
				}
			}
		}
	}
	walk(prefix, n, m)
	if len(unknown) > 0 {
		errs = append([]error{unknownKeys(source, unknown)}, errs...)
	}
	return errors.Join(errs...)
}

// leafKeys names the keys under an unknown key, so that a typo inside an
// unknown section reads as it was written: "server.lisen", not "server".
func leafKeys(key string, v any) []string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return []string{key}
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, leafKeys(joinKey(key, name), m[name])...)
	}
	return out
}

func unknownKeys(source string, keys []string) error {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	if len(keys) == 1 {
		return fmt.Errorf("config: unknown key %s %s", quoted[0], source)
	}
	return fmt.Errorf("config: unknown keys %s %s", strings.Join(quoted, ", "), source)
}

// leafProblem says what is wrong with v as the value of a leaf, or "" if
// nothing is. It never repeats a string value except for a duration, since
// strings may be secrets (database_url, webhook secrets).
func leafProblem(k nodeKind, v any) string {
	switch k {
	case kindString:
		if _, ok := v.(string); !ok {
			return "expected a string, got " + describe(v) + " (quote the value in YAML)"
		}
	case kindDuration:
		switch d := v.(type) {
		case time.Duration:
		case string:
			if _, err := time.ParseDuration(d); err != nil {
				return fmt.Sprintf("expected a duration such as \"15s\" or \"1m30s\", got %q", d)
			}
		default:
			return "expected a duration such as \"15s\" or \"1m30s\", got " + describe(v)
		}
	}
	return ""
}

func typeError(source, key, want string, v any) error {
	return fmt.Errorf("config: key %q %s: expected %s, got %s", key, source, want, describe(v))
}

// describe names the kind of a decoded YAML value without showing it.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("a value of type %T", v)
}

// pruneNil removes keys with no value (`log:` alone in YAML) so that they
// leave the lower layer's value in place instead of erasing it.
func pruneNil(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			pruneNil(v)
		}
	}
}

// toMap turns a Config (or part of one) into the nested map koanf holds,
// keyed by koanf tags; used to load the defaults as the lowest layer.
func toMap(v reflect.Value) any {
	switch {
	case v.Type() == durationType:
		return time.Duration(v.Int())
	case v.Kind() == reflect.Struct:
		m := make(map[string]any, v.NumField())
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Kind() == reflect.Slice && f.IsNil() {
				continue // an unset list decodes to nil, not to an empty list
			}
			m[tagName(v.Type().Field(i))] = toMap(f)
		}
		return m
	case v.Kind() == reflect.Slice:
		items := make([]any, v.Len())
		for i := range items {
			items[i] = toMap(v.Index(i))
		}
		return items
	}
	return v.Interface()
}
