// Package store holds the mock's state in memory and owns the API's business rules: tenancy,
// references between resources, token lifetimes, pagination. It knows nothing about HTTP or
// JSON; handlers translate API types to and from the types here.
package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/engine/rfc3339"
)

// Organization is a tenant: the members, invite, domain verifications and SSO and SCIM
// configurations it owns go with it.
type Organization struct {
	ID            string
	Name          string
	Tier          string
	InviteDomains []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// InviteID is the organization's current invite ("" when it has none).
	InviteID string
	// Members are the organization's memberships, one per user, in no particular order.
	Members []Member
	// Settings of one record each (see settings.go).
	Banner           Banner
	OIDC             OIDCConfig
	StripeCustomerID string
	CustomDomain     *CustomDomain // nil: none
	Terms            Terms
	// Policies are the policies an admin set (OrganizationPolicies' JSON, without the
	// organization's id), over DefaultPolicies; nil: the defaults.
	Policies map[string]any
}

// clone is o with nothing shared with o.
func (o Organization) clone() Organization {
	o.InviteDomains = slices.Clone(o.InviteDomains)
	o.Members = slices.Clone(o.Members)
	o.OIDC.ExtraSubFields = slices.Clone(o.OIDC.ExtraSubFields)
	o.Terms = o.Terms.clone()
	o.Policies = clonePolicy(o.Policies)
	if o.CustomDomain != nil {
		d := *o.CustomDomain
		o.CustomDomain = &d
	}
	return o
}

// User is a caller identity: a person with a bearer token (the token may be empty for a user
// who only stands for unknown tokens).
type User struct {
	ID            string
	FullName      string
	Email         string
	AvatarURL     string
	LoginProvider string
	Token         string
	// Default marks the user that unknown bearer tokens act as (unless auth is strict).
	Default bool
}

// Member is a user's membership of an organization.
type Member struct {
	UserID string
	Role   string
	Status string
	Since  time.Time
}

// Organization roles, tiers and member statuses, as the API spells them.
const (
	RoleAdmin  = "ORGANIZATION_ROLE_ADMIN"
	RoleMember = "ORGANIZATION_ROLE_MEMBER"

	StatusActive    = "USER_STATUS_ACTIVE"
	StatusSuspended = "USER_STATUS_SUSPENDED"
	StatusLeft      = "USER_STATUS_LEFT"

	TierFree       = "ORGANIZATION_TIER_FREE"
	TierEnterprise = "ORGANIZATION_TIER_ENTERPRISE"
)

// Data is a whole state: what fixtures load and what a store starts from.
type Data struct {
	Users               []User
	Organizations       []Organization
	SSOConfigurations   []SSOConfiguration
	SCIMConfigurations  []SCIMConfiguration
	DomainVerifications []DomainVerification
}

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Rand is the source of IDs, tokens and the page-token key; crypto/rand when nil.
	Rand io.Reader
	// Pages are the List operations' page sizes; both must be positive.
	Pages PageSizes
	// LookupTXT answers the TXT records published at a DNS name (VerifyDomain asks it); none
	// are published when nil.
	LookupTXT func(name string) []string
	// TrackChanges makes the store remember which records changed, for Changes. Without it
	// Changes reports nothing, and the store holds nothing for it (no caller would collect
	// it, and deleted records would pile up).
	TrackChanges bool
}

// Store is the in-memory state of one mock. It is safe for concurrent use.
type Store struct {
	mu          sync.RWMutex
	now         func() time.Time
	rand        io.Reader
	lookupTXT   func(name string) []string
	pages       pager
	users       map[string]*User
	tokens      map[string]string // bearer token -> user id
	defaultUser string
	orgs        map[string]*Organization       // without Members: see members
	members     map[string]map[string]*Member  // organization id -> user id -> membership
	memberships map[string]map[string]struct{} // user id -> the organizations it has a membership of
	byName      *index                         // members by organization, lower-cased full name, memberSince, user id
	byJoined    *index                         // members by organization, memberSince, user id
	invites     map[string]string              // invite id -> organization id
	sso         map[string]*SSOConfiguration
	ssoIndex    *index // by organization, createdAt, id: what List pages through
	scim        map[string]*SCIMConfiguration
	scimIndex   *index
	scimTokens  map[string]string // SCIM bearer token -> SCIM configuration id
	domains     map[string]*DomainVerification
	domainIndex *index
	termsIndex  *index           // terms of service versions, by organization, createdAt, id
	dirty       map[Key]struct{} // what changed since Changes was last called
}

// Kind is a kind of record.
type Kind int

// The kinds of records.
const (
	KindOrganization Kind = iota
	KindSSO
	KindSCIM
	KindUser
	KindDomainVerification
)

// Key names one record.
type Key struct {
	Kind Kind
	ID   string
}

// changed notes that a record was created, changed or deleted. Callers hold the write lock.
func (s *Store) changed(k Kind, id string) {
	if s.dirty != nil {
		s.dirty[Key{k, id}] = struct{}{}
	}
}

// Changes returns the records changed since the store was made or Changes was last called:
// those that exist, as they are now, and the keys of those deleted. Then it starts anew.
func (s *Store) Changes() (changed Data, deleted []Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.dirty {
		switch k.Kind {
		case KindOrganization:
			if o := s.orgs[k.ID]; o != nil {
				changed.Organizations = append(changed.Organizations, s.orgRecord(o))
				continue
			}
		case KindUser:
			if u := s.users[k.ID]; u != nil {
				changed.Users = append(changed.Users, *u)
				continue
			}
		case KindSSO:
			if c := s.sso[k.ID]; c != nil {
				changed.SSOConfigurations = append(changed.SSOConfigurations, c.clone())
				continue
			}
		case KindSCIM:
			if c := s.scim[k.ID]; c != nil {
				changed.SCIMConfigurations = append(changed.SCIMConfigurations, *c)
				continue
			}
		case KindDomainVerification:
			if d := s.domains[k.ID]; d != nil {
				changed.DomainVerifications = append(changed.DomainVerifications, *d)
				continue
			}
		}
		deleted = append(deleted, k)
	}
	clear(s.dirty)
	return changed, deleted
}

// New builds a store holding a copy of data. data must already be valid (fixtures check it).
func New(data Data, opts Options) (*Store, error) {
	s := &Store{
		now:         opts.Now,
		rand:        opts.Rand,
		lookupTXT:   opts.LookupTXT,
		users:       map[string]*User{},
		tokens:      map[string]string{},
		orgs:        map[string]*Organization{},
		members:     map[string]map[string]*Member{},
		memberships: map[string]map[string]struct{}{},
		byName:      newIndex(),
		byJoined:    newIndex(),
		invites:     map[string]string{},
		sso:         map[string]*SSOConfiguration{},
		ssoIndex:    newIndex(),
		scim:        map[string]*SCIMConfiguration{},
		scimIndex:   newIndex(),
		scimTokens:  map[string]string{},
		domains:     map[string]*DomainVerification{},
		domainIndex: newIndex(),
		termsIndex:  newIndex(),
	}
	if opts.TrackChanges {
		s.dirty = map[Key]struct{}{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	if s.lookupTXT == nil {
		s.lookupTXT = func(string) []string { return nil }
	}
	if opts.Pages.Default <= 0 || opts.Pages.Max < opts.Pages.Default {
		return nil, fmt.Errorf("store: page sizes %+v: want 0 < Default <= Max", opts.Pages)
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, key); err != nil {
		return nil, fmt.Errorf("store: reading page-token key: %w", err)
	}
	s.pages = pager{key: key, sizes: opts.Pages}
	for _, u := range data.Users {
		s.users[u.ID] = &u
		if u.Token != "" {
			s.tokens[u.Token] = u.ID
		}
		if u.Default {
			s.defaultUser = u.ID
		}
	}
	for _, o := range data.Organizations {
		o = o.clone()
		members := o.Members
		o.Members = nil
		s.orgs[o.ID] = &o
		s.members[o.ID] = map[string]*Member{}
		for _, m := range members {
			s.putMember(o.ID, m)
		}
		if o.InviteID != "" {
			s.invites[o.InviteID] = o.ID
		}
		for _, v := range o.Terms.Versions {
			s.termsIndex.ReplaceOrInsert(termsKey(o.ID, v))
		}
	}
	for _, c := range data.SSOConfigurations {
		c := c.clone()
		s.sso[c.ID] = &c
		s.ssoIndex.ReplaceOrInsert(c.indexKey())
	}
	for _, c := range data.SCIMConfigurations {
		s.scim[c.ID] = &c
		s.scimIndex.ReplaceOrInsert(c.indexKey())
		s.scimTokens[c.Token] = c.ID
	}
	for _, d := range data.DomainVerifications {
		s.domains[d.ID] = &d
		s.domainIndex.ReplaceOrInsert(d.indexKey())
	}
	return s, nil
}

// Authenticate returns the user a bearer token acts as. Tokens of fixture users act as that
// user; any other token acts as the default user unless strict is set or no user is the
// default. ok is false when the token is refused.
func (s *Store) Authenticate(token string, strict bool) (user string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Compare with every user's token in constant time, so response timing does not tell how
	// much of a guess was right (there are only a few users).
	found := ""
	for t, u := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			found = u
		}
	}
	if found != "" {
		return found, true
	}
	if strict || s.defaultUser == "" {
		return "", false
	}
	return s.defaultUser, true
}

// Counts reports how many records of each kind the store holds (for the startup log line).
func (s *Store) Counts() (orgs, users, sso, scim int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.orgs), len(s.users), len(s.sso), len(s.scim)
}

// stamp returns the time for a write: now at millisecond precision (what the API shows), and
// strictly after prev, so a record's updatedAt always advances even if the clock does not.
// There is none after the last instant the API can show (a fake clock set to the end of
// time): the write is refused before anything changes.
func (s *Store) stamp(prev time.Time) (time.Time, error) {
	t := s.now().UTC().Truncate(time.Millisecond)
	if !t.After(prev) {
		t = prev.Add(time.Millisecond)
	}
	if !rfc3339.InRange(t) {
		return time.Time{}, errorf(ErrFailedPrecondition,
			"the clock stands at %s: no instant within %s is left to stamp the change with",
			s.now().UTC().Format(time.RFC3339Nano), rfc3339.Range)
	}
	return t, nil
}

// expiry is when a token issued at now for lifetime expires; refused past the last instant
// the API can show.
func expiry(field string, now time.Time, lifetime time.Duration) (time.Time, error) {
	at := now.Add(lifetime)
	if !rfc3339.InRange(at) {
		return time.Time{}, errorf(ErrInvalidArgument, "%s: the token would expire after %s, the last instant the API can show",
			field, rfc3339.Max.Format(time.RFC3339Nano))
	}
	return at, nil
}

func (s *Store) newID() (string, error) {
	id, err := uuid.NewRandomFromReader(s.rand)
	if err != nil {
		return "", fmt.Errorf("store: generating an id: %w", err)
	}
	return id.String(), nil
}

// newToken returns an opaque bearer token of 43 URL-safe characters (256 random bits).
func (s *Store) newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, b); err != nil {
		return "", fmt.Errorf("store: generating a token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Snapshot returns a deep copy of the whole state, each kind sorted by id.
func (s *Store) Snapshot() Data {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var d Data
	for _, u := range s.users {
		d.Users = append(d.Users, *u)
	}
	for _, o := range s.orgs {
		d.Organizations = append(d.Organizations, s.orgRecord(o))
	}
	for _, c := range s.sso {
		d.SSOConfigurations = append(d.SSOConfigurations, c.clone())
	}
	for _, c := range s.scim {
		d.SCIMConfigurations = append(d.SCIMConfigurations, *c)
	}
	for _, v := range s.domains {
		d.DomainVerifications = append(d.DomainVerifications, *v)
	}
	slices.SortFunc(d.Users, func(a, b User) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.Organizations, func(a, b Organization) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.SSOConfigurations, func(a, b SSOConfiguration) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.SCIMConfigurations, func(a, b SCIMConfiguration) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.DomainVerifications, func(a, b DomainVerification) int { return strings.Compare(a.ID, b.ID) })
	return d
}
