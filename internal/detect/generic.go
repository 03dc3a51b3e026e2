package detect

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Mapping says, in CEL expressions over the variable payload (the decoded
// JSON body), how a generic webhook becomes an alert event. Title and
// DedupKey are required; the others have defaults.
type Mapping struct {
	Title    string `json:"title"`               // string, e.g. payload.check + " is " + payload.state
	DedupKey string `json:"dedup_key"`           // string, e.g. payload.id
	Severity string `json:"severity,omitempty"`  // string, mapped onto critical/error/warning/info; default warning
	Status   string `json:"status,omitempty"`    // string: trigger/firing, acknowledge, resolve/resolved/ok; default trigger
	Labels   string `json:"labels,omitempty"`    // map of strings, e.g. {"host": payload.host}
	GroupKey string `json:"group_key,omitempty"` // string; default the dedup key
}

// Mapper is a compiled Mapping, ready to run on many payloads.
type Mapper struct {
	title, dedup, severity, status, labels, group cel.Program
}

// celCostLimit bounds the work one expression may do on one payload, so a
// mapping cannot stall ingestion (it is checked while evaluating).
const celCostLimit = 1_000_000

func celEnv() (*cel.Env, error) {
	return cel.NewEnv(cel.Variable("payload", cel.DynType))
}

// Compile checks every expression of m (syntax, and output type where the
// checker can tell) and returns the runnable mapper; errors name the field.
func (m Mapping) Compile() (*Mapper, error) {
	env, err := celEnv()
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.Title) == "" {
		return nil, apperr.Invalid("mapping.title", "mapping.title is required: a CEL expression giving the alert's title")
	}
	if strings.TrimSpace(m.DedupKey) == "" {
		return nil, apperr.Invalid("mapping.dedup_key", "mapping.dedup_key is required: a CEL expression giving what makes two events the same alert")
	}
	var mp Mapper
	for _, f := range []struct {
		name, src string
		want      *cel.Type
		dst       *cel.Program
	}{
		{"title", m.Title, cel.StringType, &mp.title},
		{"dedup_key", m.DedupKey, cel.StringType, &mp.dedup},
		{"severity", m.Severity, cel.StringType, &mp.severity},
		{"status", m.Status, cel.StringType, &mp.status},
		{"labels", m.Labels, cel.MapType(cel.StringType, cel.DynType), &mp.labels},
		{"group_key", m.GroupKey, cel.StringType, &mp.group},
	} {
		if strings.TrimSpace(f.src) == "" {
			continue
		}
		ast, iss := env.Compile(f.src)
		if iss.Err() != nil {
			return nil, apperr.Invalid("mapping."+f.name, "mapping.%s: %s", f.name, iss.Err().Error())
		}
		if out := ast.OutputType(); !f.want.IsAssignableType(out) && !out.IsExactType(cel.DynType) {
			return nil, apperr.Invalid("mapping."+f.name, "mapping.%s gives %s, but must give %s", f.name, out, f.want)
		}
		prg, err := env.Program(ast, cel.CostLimit(celCostLimit), cel.InterruptCheckFrequency(100))
		if err != nil {
			return nil, apperr.Invalid("mapping."+f.name, "mapping.%s: %s", f.name, err.Error())
		}
		*f.dst = prg
	}
	return &mp, nil
}

// Decode reads a generic webhook body and maps it to one event.
func (mp *Mapper) Decode(body []byte) (Event, error) {
	var payload any
	if err := decodeBody(body, &payload); err != nil {
		return Event{}, err
	}
	in := map[string]any{"payload": payload}
	str := func(name string, prg cel.Program, def string) (string, error) {
		if prg == nil {
			return def, nil
		}
		v, _, err := prg.Eval(in)
		if err != nil {
			return "", apperr.Invalid("mapping."+name, "mapping.%s failed on this payload: %s", name, err.Error())
		}
		s, ok := v.Value().(string)
		if !ok {
			return "", apperr.Invalid("mapping."+name, "mapping.%s gave %s on this payload, not a string", name, v.Type().TypeName())
		}
		return s, nil
	}
	var ev Event
	var err error
	if ev.Title, err = str("title", mp.title, ""); err != nil {
		return Event{}, err
	}
	if ev.DedupKey, err = str("dedup_key", mp.dedup, ""); err != nil {
		return Event{}, err
	}
	if strings.TrimSpace(ev.DedupKey) == "" || len(ev.DedupKey) > maxDedupKey {
		return Event{}, apperr.Invalid("mapping.dedup_key", "mapping.dedup_key gave %q; it must give 1 to %d characters", truncate(ev.DedupKey, 40), maxDedupKey)
	}
	if strings.TrimSpace(ev.Title) == "" {
		return Event{}, apperr.Invalid("mapping.title", "mapping.title gave an empty title on this payload")
	}
	if ev.Severity, err = str("severity", mp.severity, SevWarning); err != nil {
		return Event{}, err
	}
	status, err := str("status", mp.status, "trigger")
	if err != nil {
		return Event{}, err
	}
	if ev.Action, err = parseStatus(status); err != nil {
		return Event{}, err
	}
	if ev.GroupKey, err = str("group_key", mp.group, ""); err != nil {
		return Event{}, err
	}
	ev.Source = "webhook"
	if mp.labels != nil {
		v, _, err := mp.labels.Eval(in)
		if err != nil {
			return Event{}, apperr.Invalid("mapping.labels", "mapping.labels failed on this payload: %s", err.Error())
		}
		if ev.Labels, err = stringMap(v); err != nil {
			return Event{}, err
		}
	}
	ev.finish()
	return ev, nil
}

func parseStatus(s string) (Action, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "trigger", "triggered", "firing", "open", "problem", "alert", "alerting", "down":
		return Trigger, nil
	case "acknowledge", "acknowledged", "ack":
		return Acknowledge, nil
	case "resolve", "resolved", "ok", "closed", "recovered", "up":
		return Resolve, nil
	}
	return "", apperr.Invalid("mapping.status", "mapping.status gave %q; it must give trigger, acknowledge or resolve (or firing, resolved, ok)", truncate(s, 40))
}

func stringMap(v ref.Val) (map[string]string, error) {
	m, ok := v.Value().(map[ref.Val]ref.Val)
	if !ok {
		native, err := v.ConvertToNative(mapStringAny)
		if err != nil {
			return nil, apperr.Invalid("mapping.labels", "mapping.labels must give a map of strings, not %s", v.Type().TypeName())
		}
		out := map[string]string{}
		for k, x := range native.(map[string]any) {
			out[k] = fmt.Sprint(x)
		}
		return limitLabels(out)
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		ks, ok := k.(types.String)
		if !ok {
			return nil, apperr.Invalid("mapping.labels", "mapping.labels must have string keys")
		}
		out[string(ks)] = fmt.Sprint(x.Value())
	}
	return limitLabels(out)
}

func limitLabels(m map[string]string) (map[string]string, error) {
	if len(m) > maxLabels {
		return nil, apperr.Invalid("mapping.labels", "mapping.labels gave %d labels; at most %d are accepted", len(m), maxLabels)
	}
	return m, nil
}

var mapStringAny = reflect.TypeOf(map[string]any{})
