package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// maxBody is the largest request body accepted: 1 MiB.
const maxBody = 1 << 20

// decodeJSON reads the request body strictly into a new T: the content type
// must be JSON, the body at most 1 MiB, one JSON object with only known
// fields and the right types, and nothing after it. Every refusal is an
// error whose message says what to fix.
func decodeJSON[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	ct := r.Header.Get("Content-Type")
	if ct != "" && !isJSONType(ct) {
		return v, newHTTPError(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"the request body must be JSON with Content-Type: application/json, not %q", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return v, newHTTPError(http.StatusRequestEntityTooLarge, "too_large",
				"the request body is larger than %d bytes (1 MiB)", maxBody)
		}
		return v, newHTTPError(http.StatusBadRequest, "invalid", "the request body could not be read: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return v, apperr.Invalid("", "the request body is empty; send a JSON object")
	}
	if ct == "" {
		return v, newHTTPError(http.StatusUnsupportedMediaType, "unsupported_media_type",
			"the request has no Content-Type; send the body as JSON with Content-Type: application/json")
	}
	return v, unmarshalStrict(body, &v)
}

// isJSONType accepts application/json and the +json types (such as
// application/merge-patch+json), with any parameters.
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// unmarshalStrict decodes exactly one JSON value into dst, refusing unknown
// fields and trailing data, and turns the decoder's errors into messages
// that name the field and what it should be.
func unmarshalStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err, reflect.TypeOf(dst).Elem(), body)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Invalid("", "the request body has data after the JSON object; send exactly one object")
	}
	return nil
}

func decodeError(err error, t reflect.Type, body []byte) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		tpe *time.ParseError
	)
	msg := err.Error()
	switch {
	case errors.As(err, &syn):
		line, col := position(body, syn.Offset)
		return apperr.Invalid("", "malformed JSON at line %d, column %d: %s", line, col, syn.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Invalid("", "malformed JSON: the body ends before the JSON value is complete")
	case errors.As(err, &typ):
		field, ft := jsonPath(t, typ.Field)
		switch {
		case field == "":
			return apperr.Invalid("", "the request body must be %s, not %s", jsonKind(typ.Type), article(typ.Value))
		case ft.Kind() == reflect.Map && ft.Elem() == typ.Type:
			return apperr.Invalid(field, "the values of field %q must be %s, not %s", field, plural(jsonKind(typ.Type)), article(typ.Value))
		case (ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array) && ft.Elem() == typ.Type:
			return apperr.Invalid(field, "the items of field %q must be %s, not %s", field, plural(jsonKind(typ.Type)), article(typ.Value))
		}
		return apperr.Invalid(field, "field %q must be %s, not %s", field, jsonKind(typ.Type), article(typ.Value))
	case strings.HasPrefix(msg, `json: unknown field "`):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, `json: unknown field "`), `"`)
		var doc any
		if json.Unmarshal(body, &doc) == nil {
			if path, parent, ok := unknownField(doc, t, ""); ok {
				return apperr.Invalid(path, "unknown field %q; the fields %sare %s", path, parentWords(parent), strings.Join(fieldNames(parentType(t, parent)), ", "))
			}
		}
		return apperr.Invalid(name, "unknown field %q", name)
	case errors.As(err, &tpe), strings.Contains(msg, "Time.UnmarshalJSON"):
		field := strings.Join(timeFields(t, ""), " or ")
		if field == "" {
			field = "time"
		}
		return apperr.Invalid(field, "field %q must be a date-time string in RFC 3339 format, e.g. 2024-05-01T12:00:00Z", field)
	}
	// Errors of custom UnmarshalJSON methods; apperr errors pass through.
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return apperr.Invalid("", "the request body is not valid: %s", strings.TrimPrefix(msg, "json: "))
}

// jsonPath removes the Go names of embedded structs that the decoder puts
// in a field path ("Patch.severity" → "severity"), and reports the type of
// the field the path ends at.
func jsonPath(t reflect.Type, field string) (string, reflect.Type) {
	if field == "" {
		return "", t
	}
	var out []string
	for part := range strings.SplitSeq(field, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			out = append(out, part)
			continue
		}
		if f, ok := t.FieldByName(part); ok && f.Anonymous && f.Tag.Get("json") == "" {
			t = f.Type
			continue
		}
		var next reflect.Type
		walkFields(t, "", func(name string, ft reflect.Type) {
			if next == nil && name == part {
				next = ft
			}
		}, false)
		out = append(out, part)
		if next != nil {
			t = next
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return strings.Join(out, "."), t
}

// position turns a byte offset into a 1-based line and column.
// off is the decoder's offset: the bytes read, including the culprit.
func position(body []byte, off int64) (line, col int) {
	i := min(max(off-1, 0), int64(len(body)))
	before := body[:i]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(i) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// jsonKind names the JSON type a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "a date-time string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.Kind().String()
}

// plural turns "a string" into "strings", "an integer" into "integers".
func plural(kind string) string {
	switch kind {
	case "true or false":
		return "true or false"
	case "a date-time string":
		return "date-time strings"
	}
	_, noun, _ := strings.Cut(kind, " ")
	return noun + "s"
}

// article turns the decoder's description of a value ("number", "number
// 1.5", "array") into words: "a number (1.5)", "an array".
func article(v string) string {
	kind, lit, _ := strings.Cut(v, " ")
	a := "a "
	if kind != "" && strings.IndexByte("aeiou", kind[0]) >= 0 {
		a = "an "
	}
	if kind == "bool" {
		kind = "boolean"
	}
	if lit != "" {
		return fmt.Sprintf("%s%s (%s)", a, kind, lit)
	}
	return a + kind
}

// unknownField finds the first key of doc that struct type t does not have,
// descending into nested objects; it returns the key's path and the path of
// the object holding it.
func unknownField(doc any, t reflect.Type, prefix string) (path, parent string, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, isObj := doc.(map[string]any)
		if !isObj || t == reflect.TypeFor[time.Time]() {
			return "", "", false
		}
		fields := map[string]reflect.Type{}
		walkFields(t, "", func(name string, ft reflect.Type) { fields[strings.ToLower(name)] = ft }, false)
		for _, k := range sortedKeys(obj) {
			ft, known := fields[strings.ToLower(k)]
			if !known {
				return prefix + k, strings.TrimSuffix(prefix, "."), true
			}
			if p, par, found := unknownField(obj[k], ft, prefix+k+"."); found {
				return p, par, true
			}
		}
	case reflect.Slice, reflect.Array:
		arr, _ := doc.([]any)
		for i, el := range arr {
			if p, par, found := unknownField(el, t.Elem(), fmt.Sprintf("%s[%d].", strings.TrimSuffix(prefix, "."), i)); found {
				return p, par, true
			}
		}
	case reflect.Map:
		obj, _ := doc.(map[string]any)
		for _, k := range sortedKeys(obj) {
			if p, par, found := unknownField(obj[k], t.Elem(), prefix+k+"."); found {
				return p, par, true
			}
		}
	}
	return "", "", false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func parentWords(parent string) string {
	if parent == "" {
		return ""
	}
	return fmt.Sprintf("of %q ", parent)
}

// parentType follows a path like "blast_radius.counts[0]" from t.
func parentType(t reflect.Type, path string) reflect.Type {
	if path == "" {
		return t
	}
	for part := range strings.SplitSeq(path, ".") {
		name, _, _ := strings.Cut(part, "[")
		var next reflect.Type
		walkFields(t, "", func(n string, ft reflect.Type) {
			if next == nil && strings.EqualFold(n, name) {
				next = ft
			}
		}, false)
		if next == nil { // a map key
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			if t.Kind() != reflect.Map {
				return t
			}
			next = t.Elem()
		}
		for next.Kind() == reflect.Pointer {
			next = next.Elem()
		}
		for strings.Contains(part, "[") && (next.Kind() == reflect.Slice || next.Kind() == reflect.Array) {
			next = next.Elem()
			part = part[strings.Index(part, "]")+1:]
		}
		t = next
	}
	return t
}

// fieldNames lists the JSON field names of a struct type, embedded structs
// flattened, for the message about an unknown field.
func fieldNames(t reflect.Type) []string {
	var names []string
	walkFields(t, "", func(name string, _ reflect.Type) { names = append(names, fmt.Sprintf("%q", name)) }, false)
	return names
}

// timeFields lists the JSON paths of time.Time fields of t.
func timeFields(t reflect.Type, prefix string) []string {
	var out []string
	walkFields(t, prefix, func(name string, ft reflect.Type) {
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft == reflect.TypeFor[time.Time]() {
			out = append(out, name)
		}
	}, true)
	return out
}

// walkFields calls fn with the JSON name and type of each field of struct
// type t; with deep it descends into nested struct fields as "a.b".
func walkFields(t reflect.Type, prefix string, fn func(string, reflect.Type), deep bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for f := range t.Fields() {
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			walkFields(f.Type, prefix, fn, deep)
			continue
		}
		if name == "" {
			name = f.Name
		}
		fn(prefix+name, f.Type)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if deep && ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			walkFields(ft, prefix+name+".", fn, deep)
		}
	}
}
