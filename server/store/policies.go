package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// An organization's policies are one record: its JSON, as the API's OrganizationPolicies
// writes it (without organizationId), over the defaults below. The rules of an update are
// here, by field: presence, what merges and what replaces, and the bounds the request schema
// can only state in words (durations) or not at all.

// DefaultPolicies are an organization's policies until an admin changes them: every limit
// open, projects optional, the editors and the image the product documents.
func DefaultPolicies() map[string]any {
	return map[string]any{
		"membersRequireProjects":            false,
		"membersCreateProjects":             true,
		"allowedEditorIds":                  []any{"vscode", "cursor", "jetbrains"},
		"defaultEditorId":                   "vscode",
		"allowLocalRunners":                 true,
		"maximumRunningEnvironmentsPerUser": "10",
		"maximumEnvironmentsPerUser":        "50",
		"defaultEnvironmentImage":           "mcr.microsoft.com/devcontainers/base:ubuntu-24.04",
		"portSharingDisabled":               false,
		"agentPolicy":                       map[string]any{"mcpDisabled": false, "commandDenyList": []any{}, "scmToolsDisabled": false},
		"requireCustomDomainAccess":         false,
		"restrictAccountCreationToScim":     false,
		"webBrowserDisabled":                false,
		"disableFromScratch":                false,
		"archiveEnvironmentsAfter":          "259200s", // "Enterprise environments archive after 3 days by default"
	}
}

// policyRequired are the fields an answer always holds (buf.validate required), zero or not.
var policyRequired = map[string]bool{
	"membersRequireProjects": true, "membersCreateProjects": true, "allowedEditorIds": true, "defaultEditorId": true,
	"allowLocalRunners": true, "maximumRunningEnvironmentsPerUser": true, "maximumEnvironmentsPerUser": true,
	"defaultEnvironmentImage": true, "portSharingDisabled": true, "agentPolicy": true, "requireCustomDomainAccess": true,
	"restrictAccountCreationToScim": true, "webBrowserDisabled": true, "disableFromScratch": true,
	"agentPolicy.mcpDisabled": true, "agentPolicy.commandDenyList": true, "agentPolicy.scmToolsDisabled": true,
}

// durationRule bounds a duration policy: the request schema states these in words only.
type durationRule struct {
	min, max  time.Duration
	zeroOK    bool   // 0 is allowed below min ("no limit")
	wholeDays bool   // a whole number of days
	words     string // the rule as the API words it
}

var policyDurations = map[string]durationRule{
	"maximumEnvironmentTimeout":       {min: 1800 * time.Second, max: math.MaxInt64, zeroOK: true, words: "must be 0s (no limit) or at least 1800s (30 minutes)"},
	"deleteArchivedEnvironmentsAfter": {max: 2419200 * time.Second, words: "must lie within 0s and 2419200s (4 weeks)"},
	"maximumEnvironmentLifetime":      {max: 15552000 * time.Second, words: "must lie within 0s and 15552000s (180 days)"},
	"archiveEnvironmentsAfter":        {min: 86400 * time.Second, max: 2592000 * time.Second, wholeDays: true, words: "must be a whole number of days within 86400s and 2592000s (1 to 30 days)"},
}

// policyInts are the 64-bit integer policies, written as JSON strings.
var policyInts = []string{"maximumRunningEnvironmentsPerUser", "maximumEnvironmentsPerUser"}

// GetPolicies returns an organization's policies (any member may read them).
func (s *Store) GetPolicies(user, org string) (map[string]any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return nil, err
	}
	return policies(o.Policies), nil
}

// policies is the stored policies over the defaults, a copy.
func policies(stored map[string]any) map[string]any {
	out := DefaultPolicies()
	for k, v := range clonePolicy(stored) {
		out[k] = v
	}
	return out
}

// UpdatePolicies applies patch, the update request's fields that are present (JSON, without
// organizationId), to an organization's policies (admins only):
//   - a scalar or a message that is present replaces the value;
//   - a list or a map replaces it when non-empty, and changes nothing when empty (the API
//     cannot tell an empty one from an absent one);
//   - agentPolicy and securityAgentPolicy.crowdstrike are merged field by field, by the same
//     rules; vetoExecPolicy and vetoFilePolicy replace the whole policy (safelist is output
//     only); codexModelPolicy present replaces (empty clears);
//   - securityPolicyId "" clears it.
func (s *Store) UpdatePolicies(user, org string, patch map[string]any) error {
	if err := checkPolicies(patch); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return err
	}
	o.Policies = applyPolicies(o.Policies, patch)
	s.changed(KindOrganization, org)
	return nil
}

// applyPolicies is stored policies cur with patch applied (see UpdatePolicies), normalized;
// nil when nothing differs from the defaults. Neither cur nor patch is changed or kept.
func applyPolicies(cur, patch map[string]any) map[string]any {
	next := clonePolicy(cur)
	if next == nil {
		next = map[string]any{}
	}
	for k, v := range clonePolicy(patch) {
		switch k {
		case "agentPolicy":
			next[k] = mergePolicy(asObject(policies(next)[k]), asObject(v))
		case "securityAgentPolicy":
			cur := asObject(next[k])
			in := asObject(v)
			if c, ok := in["crowdstrike"]; ok {
				cur["crowdstrike"] = mergePolicy(asObject(cur["crowdstrike"]), asObject(c))
			}
			if a, ok := in["customAgents"].([]any); ok && len(a) > 0 {
				cur["customAgents"] = a
			}
			next[k] = cur
		case "vetoExecPolicy":
			p := asObject(v)
			delete(p, "safelist")
			next[k] = p
		case "securityPolicyId":
			if v == "" {
				delete(next, k)
			} else {
				next[k] = v
			}
		default:
			setPolicy(next, k, v)
		}
	}
	normalizePolicies(next)
	if len(next) == 0 {
		return nil
	}
	return next
}

// mergePolicy merges patch into cur field by field: present scalars and messages replace,
// lists and maps replace when non-empty.
func mergePolicy(cur, patch map[string]any) map[string]any {
	for k, v := range patch {
		setPolicy(cur, k, v)
	}
	return cur
}

func setPolicy(dst map[string]any, k string, v any) {
	switch v := v.(type) {
	case []any:
		if len(v) > 0 {
			dst[k] = v
		}
	case map[string]any:
		if len(v) > 0 || k == "codexModelPolicy" || k == "vetoFilePolicy" {
			dst[k] = v
		}
	default:
		dst[k] = v
	}
}

func asObject(v any) map[string]any {
	m, _ := clonePolicyValue(v).(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// CheckPolicies checks stored policies (a fixture's, say) by the rules of an update, and
// returns them as an update would keep them.
func CheckPolicies(p map[string]any) (map[string]any, error) {
	if err := checkPolicies(p); err != nil {
		return nil, err
	}
	return applyPolicies(nil, p), nil
}

// checkPolicies applies the rules the request schema cannot: duration bounds, integers.
func checkPolicies(patch map[string]any) error {
	for _, field := range slices.Sorted(maps.Keys(policyDurations)) { // in a fixed order: one message for one patch
		rule := policyDurations[field]
		v, ok := patch[field].(string)
		if !ok {
			continue
		}
		d, err := ParseDuration(field, v)
		if err != nil {
			return err
		}
		switch {
		case d == 0 && rule.zeroOK:
		case d < rule.min || d > rule.max || rule.wholeDays && d%(24*time.Hour) != 0:
			return errorf(ErrInvalidArgument, "%s: %s, got %s", field, rule.words, v)
		}
	}
	for _, field := range []string{"defaultEditorId", "defaultEnvironmentImage"} {
		if v, ok := patch[field].(string); ok && v == "" {
			// Required in OrganizationPolicies: the policies always name one.
			return errorf(ErrInvalidArgument, "%s: must not be empty", field)
		}
	}
	for _, field := range policyInts {
		if v, ok := patch[field].(string); ok {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return errorf(ErrInvalidArgument, "%s: must be a 64-bit integer, got %q", field, v)
			}
		}
	}
	return nil
}

// normalizePolicies writes values as protojson does: durations and 64-bit integers in their
// canonical form, zero values left out (but the fields an answer always holds).
func normalizePolicies(p map[string]any) {
	for field := range policyDurations {
		if v, ok := p[field].(string); ok {
			p[field] = canonicalDuration(field, v)
		}
	}
	for _, field := range policyInts {
		if v, ok := p[field].(string); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			p[field] = strconv.FormatInt(n, 10)
		}
	}
	prune(p, "")
}

// policyMaps are the map fields: their entries are kept as given, and an empty one is left
// out (protojson writes no empty map).
var policyMaps = map[string]bool{
	"editorVersionRestrictions":                         true,
	"securityAgentPolicy.crowdstrike.additionalOptions": true,
	"agentPolicy.codexModelPolicy.modelStates":          true,
}

// policyEnums are the enum fields: the value ..._UNSPECIFIED is their zero value.
var policyEnums = map[string]bool{
	"maxPortAdmissionLevel": true, "agentPolicy.conversationSharingPolicy": true, "vetoExecPolicy.action": true,
	"vetoFilePolicy.paths.defaultSurface": true, "vetoFilePolicy.paths.defaultEffect": true,
	"vetoFilePolicy.paths.entries[].surface": true, "vetoFilePolicy.paths.entries[].effect": true,
	"vetoFilePolicy.blockDevices.action": true,
}

// canonicalDuration writes a Duration's JSON as the mock writes every duration: no sign but a
// minus, no leading zeros, no trailing fractional zeros. One beyond time.Duration's range
// (about 292 years; protobuf's reaches 10,000 years) is rewritten as text, not through it.
func canonicalDuration(field, v string) string {
	if d, err := ParseDuration(field, v); err == nil && d != math.MaxInt64 && d != -math.MaxInt64 {
		return FormatDuration(d)
	}
	body := strings.TrimPrefix(strings.TrimSuffix(v, "s"), "+")
	sign := ""
	if b, ok := strings.CutPrefix(body, "-"); ok {
		sign, body = "-", b
	}
	whole, frac, _ := strings.Cut(body, ".")
	whole, frac = strings.TrimLeft(whole, "0"), strings.TrimRight(frac, "0")
	if whole == "" {
		whole = "0"
	}
	if frac != "" {
		whole += "." + frac
	}
	return sign + whole + "s"
}

// prune drops zero values from p, as protojson leaves them out, but the required fields; a
// message stays (it has presence), and so do a map's entries.
func prune(p map[string]any, path string) {
	for k, v := range p {
		key := k
		if path != "" {
			key = path + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			if policyMaps[key] {
				if len(v) == 0 {
					delete(p, k)
				}
				continue
			}
			prune(v, key)
		case []any:
			for _, item := range v {
				if m, ok := item.(map[string]any); ok {
					prune(m, key+"[]")
				}
			}
		}
		if !policyRequired[key] && (isZero(v) || policyEnums[key] && strings.HasSuffix(fmt.Sprint(v), "_UNSPECIFIED")) {
			delete(p, k)
		}
	}
}

func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case float64:
		return v == 0
	case json.Number:
		return v == "0"
	case []any:
		return len(v) == 0
	case map[string]any:
		return false // a message keeps its presence; maps are kept as given
	}
	return false
}

func clonePolicy(p map[string]any) map[string]any {
	if p == nil {
		return nil
	}
	return clonePolicyValue(p).(map[string]any)
}

func clonePolicyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out[k] = clonePolicyValue(v[k])
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = clonePolicyValue(x)
		}
		return out
	}
	return v
}
