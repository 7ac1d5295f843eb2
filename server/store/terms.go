package store

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Terms are an organization's terms of service: immutable versions, numbered from 1 in the
// order published, and each member's acceptances of them.
type Terms struct {
	Enabled     bool
	Versions    []TermsVersion    // in the order published: Versions[i].Version == i+1
	Acceptances []TermsAcceptance // in the order made; one per user and version
}

// TermsVersion is one published text.
type TermsVersion struct {
	ID        string
	Version   int
	Markdown  string
	CreatedAt time.Time
	CreatedBy string // the user who published it
}

// TermsAcceptance is a user's acceptance of a version.
type TermsAcceptance struct {
	UserID     string
	VersionID  string
	Version    int
	AcceptedAt time.Time
}

func (t Terms) clone() Terms {
	t.Versions = slices.Clone(t.Versions)
	t.Acceptances = slices.Clone(t.Acceptances)
	return t
}

// current is the latest version, or nil before the first.
func (t *Terms) current() *TermsVersion {
	if len(t.Versions) == 0 {
		return nil
	}
	return &t.Versions[len(t.Versions)-1]
}

// acceptance is user's acceptance of version (a number), or nil.
func (t *Terms) acceptance(user string, version int) *TermsAcceptance {
	for i := range t.Acceptances {
		if a := &t.Acceptances[i]; a.UserID == user && a.Version == version {
			return a
		}
	}
	return nil
}

// TermsView is the terms of service as a caller sees them.
type TermsView struct {
	Enabled bool
	Current *TermsVersion    // nil before the first version
	Mine    *TermsAcceptance // the caller's acceptance of the current version, or nil
}

func (s *Store) termsView(user string, o *Organization) TermsView {
	v := TermsView{Enabled: o.Terms.Enabled}
	if c := o.Terms.current(); c != nil {
		cur := *c
		v.Current = &cur
		if a := o.Terms.acceptance(user, c.Version); a != nil {
			mine := *a
			v.Mine = &mine
		}
	}
	return v
}

func termsKey(org string, v TermsVersion) indexKey {
	return indexKey{org: org, at: v.CreatedAt, id: v.ID}
}

// needsEnterprise refuses what the API offers on the enterprise tier only.
func needsEnterprise(o *Organization, what string) error {
	if o.Tier == TierEnterprise {
		return nil
	}
	return errorf(ErrFailedPrecondition, "organizationId: %s needs %s, and organization %s is on %s", what, TierEnterprise, o.ID, o.Tier)
}

// GetTerms returns an organization's terms of service as the caller sees them (any member).
func (s *Store) GetTerms(user, org string) (TermsView, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return TermsView{}, err
	}
	return s.termsView(user, o), nil
}

// UpdateTerms publishes a new version when markdown differs from the current one's, and turns
// the terms on or off (admins of an enterprise organization only).
func (s *Store) UpdateTerms(user, org string, markdown *string, enabled *bool) (TermsView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return TermsView{}, err
	}
	if err := needsEnterprise(o, "terms of service"); err != nil {
		return TermsView{}, err
	}
	if c := o.Terms.current(); markdown != nil && (c == nil || c.Markdown != *markdown) {
		v := TermsVersion{Version: len(o.Terms.Versions) + 1, Markdown: *markdown, CreatedBy: user}
		if v.ID, err = s.newID(); err != nil {
			return TermsView{}, err
		}
		prev := time.Time{}
		if c != nil {
			prev = c.CreatedAt // versions are ordered by creation: a later one is later
		}
		if v.CreatedAt, err = s.stamp(prev); err != nil {
			return TermsView{}, err
		}
		o.Terms.Versions = append(o.Terms.Versions, v)
		s.termsIndex.ReplaceOrInsert(termsKey(org, v))
	}
	if enabled != nil {
		o.Terms.Enabled = *enabled
	}
	s.changed(KindOrganization, org)
	return s.termsView(user, o), nil
}

// AcceptTerms records the caller's acceptance of a version of its organization's terms (any
// member); a version accepted before answers that acceptance.
func (s *Store) AcceptTerms(user, org, versionID string) (TermsAcceptance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return TermsAcceptance{}, err
	}
	i := slices.IndexFunc(o.Terms.Versions, func(v TermsVersion) bool { return v.ID == versionID })
	if i < 0 {
		return TermsAcceptance{}, errorf(ErrNotFound, "versionId: terms of service version %s not found in organization %s", versionID, org)
	}
	v := o.Terms.Versions[i]
	if a := o.Terms.acceptance(user, v.Version); a != nil {
		return *a, nil
	}
	a := TermsAcceptance{UserID: user, VersionID: v.ID, Version: v.Version}
	if a.AcceptedAt, err = s.stamp(time.Time{}); err != nil {
		return TermsAcceptance{}, err
	}
	o.Terms.Acceptances = append(o.Terms.Acceptances, a)
	s.changed(KindOrganization, org)
	return a, nil
}

// ListTermsVersions returns one page of an organization's versions, oldest first (any member).
func (s *Store) ListTermsVersions(user, org string, req PageRequest) ([]TermsVersion, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return nil, "", err
	}
	byID := map[string]TermsVersion{}
	l := listing{list: "ListTermsOfServiceVersions", org: org, idx: s.termsIndex}
	return page(s.pages, l, func(id string) TermsVersion {
		if len(byID) == 0 {
			for _, v := range o.Terms.Versions {
				byID[v.ID] = v
			}
		}
		return byID[id]
	}, req)
}

// Acceptance statuses, as the API spells them.
const (
	TermsAccepted = "TERMS_OF_SERVICE_ACCEPTANCE_STATUS_ACCEPTED"
	TermsPending  = "TERMS_OF_SERVICE_ACCEPTANCE_STATUS_PENDING"
)

// MemberAcceptance is an active member's standing towards a version.
type MemberAcceptance struct {
	Membership
	Status string
	// Latest is the member's most recent acceptance of any version, or nil.
	Latest *TermsAcceptance
}

// AcceptanceQuery is what ListTermsOfServiceAcceptances and its export ask for.
type AcceptanceQuery struct {
	OrganizationID string
	Version        int
	Statuses       []string // nil keeps all
	Search         string   // a case-insensitive substring of the name or email
}

// acceptances prepares a listing of the active members' standing towards q.Version, by name.
// Callers hold the lock.
func (s *Store) acceptances(user string, q AcceptanceQuery) (listing, func(id string) MemberAcceptance, error) {
	o, err := s.orgAs(user, q.OrganizationID, true)
	if err != nil {
		return listing{}, nil, err
	}
	if q.Version < 1 {
		return listing{}, nil, errorf(ErrInvalidArgument, "version: must be at least 1")
	}
	if q.Version > len(o.Terms.Versions) {
		return listing{}, nil, errorf(ErrNotFound, "version: organization %s has no terms of service version %d", o.ID, q.Version)
	}
	latest := map[string]*TermsAcceptance{}
	accepted := map[string]bool{}
	for i := range o.Terms.Acceptances {
		a := &o.Terms.Acceptances[i]
		if a.Version == q.Version {
			accepted[a.UserID] = true
		}
		// Acceptances are kept in the order made: the last one wins a tie of milliseconds.
		if l := latest[a.UserID]; l == nil || !a.AcceptedAt.Before(l.AcceptedAt) {
			latest[a.UserID] = a
		}
	}
	org := q.OrganizationID
	get := func(id string) MemberAcceptance {
		m := MemberAcceptance{Membership: s.membership(s.members[org][id]), Status: TermsPending}
		if accepted[id] {
			m.Status = TermsAccepted
		}
		if a := latest[id]; a != nil {
			cp := *a
			m.Latest = &cp
		}
		return m
	}
	search := strings.ToLower(q.Search)
	keep := func(id string) bool {
		m := get(id)
		return m.Member.Status == StatusActive && (q.Statuses == nil || slices.Contains(q.Statuses, m.Status)) &&
			(search == "" || strings.Contains(strings.ToLower(m.User.FullName), search) || strings.Contains(strings.ToLower(m.User.Email), search))
	}
	key := hashKey(strings.Join([]string{strconv.Itoa(q.Version), strings.Join(slices.Sorted(slices.Values(q.Statuses)), ","), q.Search}, "\x00"))
	return listing{list: "ListTermsOfServiceAcceptances", org: org, query: key, idx: s.byName, keep: keep}, get, nil
}

// ListAcceptances returns one page of the active members' standing towards a version, by name
// (admins only).
func (s *Store) ListAcceptances(user string, q AcceptanceQuery, req PageRequest) ([]MemberAcceptance, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, get, err := s.acceptances(user, q)
	if err != nil {
		return nil, "", err
	}
	return page(s.pages, l, get, req)
}

// ExportAcceptances writes what ListAcceptances lists, all of it, as CSV (admins only).
func (s *Store) ExportAcceptances(user string, q AcceptanceQuery) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, get, err := s.acceptances(user, q)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"user_id", "full_name", "email", "status", "accepted_version", "accepted_at"})
	l.walk(nil, func(k indexKey) bool {
		m := get(k.id)
		version, at := "", ""
		if m.Latest != nil {
			version, at = strconv.Itoa(m.Latest.Version), m.Latest.AcceptedAt.UTC().Format(time.RFC3339Nano)
		}
		_ = w.Write([]string{m.UserID, m.User.FullName, m.User.Email, m.Status, version, at})
		return true
	})
	w.Flush()
	return b.Bytes(), w.Error()
}
