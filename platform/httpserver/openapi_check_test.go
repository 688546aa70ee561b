package httpserver_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// spec is the part of docs/openapi.json the tests check the server with: a
// small hand-written checker for the JSON Schema subset the spec uses
// (type, properties, required, additionalProperties, items, enum, pattern,
// format date-time/uuid, minimum, maximum, $ref).
type spec struct {
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`

	mu      sync.Mutex
	checked map[string]bool // "METHOD path status" validated at least once
}

type operation struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema *schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Pattern              string             `json:"pattern"`
	Enum                 []any              `json:"enum"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	Minimum              *float64           `json:"minimum"`
	Maximum              *float64           `json:"maximum"`
}

func loadSpec(path string) (*spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	s.checked = map[string]bool{}
	return &s, nil
}

// patterns returns "METHOD /path" for every operation, as net/http spells
// its patterns.
func (s *spec) patterns() []string {
	var out []string
	for p, ops := range s.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			out = append(out, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(out)
	return out
}

// jsonOperations lists "METHOD path status" of every 2xx response with a
// JSON body.
func (s *spec) jsonOperations() []string {
	var out []string
	for p, ops := range s.Paths {
		for m, op := range ops {
			for st, r := range op.Responses {
				if _, ok := r.Content["application/json"]; ok && strings.HasPrefix(st, "2") {
					out = append(out, strings.ToUpper(m)+" "+p+" "+st)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// validateResponse checks a response body against the spec.
func (s *spec) validateResponse(method, path string, status int, contentType string, body []byte) error {
	op, ok := s.Paths[path][strings.ToLower(method)]
	if !ok {
		return fmt.Errorf("%s %s is not in the spec", method, path)
	}
	r, ok := op.Responses[strconv.Itoa(status)]
	if !ok {
		return fmt.Errorf("%s %s: status %d is not in the spec", method, path, status)
	}
	if !strings.HasPrefix(contentType, "application/json") {
		if _, wantJSON := r.Content["application/json"]; wantJSON {
			return fmt.Errorf("%s %s %d: content type %q, the spec says JSON", method, path, status, contentType)
		}
		return nil
	}
	mt, ok := r.Content["application/json"]
	if !ok {
		return fmt.Errorf("%s %s %d: JSON body not in the spec", method, path, status)
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("%s %s %d: body is not JSON: %w", method, path, status, err)
	}
	if err := s.validate(mt.Schema, v, "$"); err != nil {
		return fmt.Errorf("%s %s %d: %w", method, path, status, err)
	}
	s.mu.Lock()
	s.checked[strings.ToUpper(method)+" "+path+" "+strconv.Itoa(status)] = true
	s.mu.Unlock()
	return nil
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (s *spec) validate(sc *schema, v any, at string) error {
	if sc == nil {
		return nil
	}
	if sc.Ref != "" {
		name := strings.TrimPrefix(sc.Ref, "#/components/schemas/")
		ref, ok := s.Components.Schemas[name]
		if !ok {
			return fmt.Errorf("%s: unknown $ref %s", at, sc.Ref)
		}
		return s.validate(ref, v, at)
	}
	if len(sc.Enum) > 0 {
		found := false
		for _, e := range sc.Enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s: %v not in enum %v", at, v, sc.Enum)
		}
	}
	switch sc.Type {
	case "":
		return nil // any value
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: want object, got %T", at, v)
		}
		for _, r := range sc.Required {
			if _, ok := m[r]; !ok {
				return fmt.Errorf("%s: required property %q missing", at, r)
			}
		}
		for k, pv := range m {
			ps, ok := sc.Properties[k]
			if !ok {
				if sc.AdditionalProperties != nil && !*sc.AdditionalProperties {
					return fmt.Errorf("%s: property %q is not in the spec", at, k)
				}
				continue
			}
			if err := s.validate(ps, pv, at+"."+k); err != nil {
				return err
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: want array, got %T", at, v)
		}
		for i, e := range a {
			if err := s.validate(sc.Items, e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: want string, got %T", at, v)
		}
		switch sc.Format {
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				return fmt.Errorf("%s: not a date-time: %q", at, str)
			}
		case "uuid":
			if !uuidRe.MatchString(str) {
				return fmt.Errorf("%s: not a uuid: %q", at, str)
			}
		}
		if sc.Pattern != "" && !regexp.MustCompile(sc.Pattern).MatchString(str) {
			return fmt.Errorf("%s: %q does not match %s", at, str, sc.Pattern)
		}
	case "integer", "number":
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("%s: want %s, got %T", at, sc.Type, v)
		}
		f, err := n.Float64()
		if err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		if sc.Type == "integer" && f != math.Trunc(f) {
			return fmt.Errorf("%s: want integer, got %s", at, n)
		}
		if sc.Minimum != nil && f < *sc.Minimum || sc.Maximum != nil && f > *sc.Maximum {
			return fmt.Errorf("%s: %s out of range", at, n)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: want boolean, got %T", at, v)
		}
	default:
		return fmt.Errorf("%s: checker does not know type %q", at, sc.Type)
	}
	return nil
}
