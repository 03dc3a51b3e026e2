package detect

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// decodeBody reads a sender's JSON body into dst. It is strict about what
// it reads (one JSON value, the right types, errors that name the field)
// but accepts fields it does not know: senders add fields in minor
// releases (Grafana added values, valueString, imageURL over time), and a
// receiver that refuses them would lose alerts after the sender upgrades.
func decodeBody(body []byte, dst any) error {
	if len(body) > MaxPayload {
		return apperr.Invalid("", "the body is %d bytes; at most %d are accepted", len(body), MaxPayload)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.Invalid("", "the body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.Invalid("", "the body holds more than one JSON value")
	}
	return nil
}

// jsonError turns a decoding error into one a sender's operator can act on.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.Invalid("", "the body is not valid JSON (at byte %d): %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return apperr.Invalid("", "the body must be a JSON object, not %s", article(typ.Value))
		}
		return apperr.Invalid(field, "%s must be %s, not %s", field, kindOf(typ.Type.Kind().String()), article(typ.Value))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Invalid("", "the body ends before its JSON value does")
	}
	return apperr.Invalid("", "the body could not be read as JSON: %s", err.Error())
}

func kindOf(k string) string {
	switch k {
	case "string":
		return "a string"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "an array"
	case "bool":
		return "true or false"
	case "ptr", "interface":
		return "a value of another type"
	}
	if strings.HasPrefix(k, "int") || strings.HasPrefix(k, "uint") || strings.HasPrefix(k, "float") {
		return "a number"
	}
	return "a " + k
}

func article(v string) string {
	switch v {
	case "object", "array", "string", "number", "bool":
		if v == "object" || v == "array" {
			return "an " + v
		}
		return "a " + v
	}
	return v
}
