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

// Organization is a tenant. Principals are the bearer tokens that act for it.
type Organization struct {
	ID   string
	Name string
	// Default marks the organization that unknown bearer tokens act for (unless auth is strict).
	Default    bool
	Principals []Principal
}

// Principal is a caller identity: a bearer token bound to one organization.
type Principal struct {
	Name  string
	Token string
}

// Data is a whole state: what fixtures load and what a store starts from.
type Data struct {
	Organizations      []Organization
	SSOConfigurations  []SSOConfiguration
	SCIMConfigurations []SCIMConfiguration
}

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Rand is the source of IDs, tokens and the page-token key; crypto/rand when nil.
	Rand io.Reader
	// Pages are the List operations' page sizes; both must be positive.
	Pages PageSizes
	// TrackChanges makes the store remember which records changed, for Changes. Without it
	// Changes reports nothing, and the store holds nothing for it (no caller would collect
	// it, and deleted records would pile up).
	TrackChanges bool
}

// Store is the in-memory state of one mock. It is safe for concurrent use.
type Store struct {
	mu         sync.RWMutex
	now        func() time.Time
	rand       io.Reader
	pages      pager
	orgs       map[string]*Organization
	defaultOrg string
	principals map[string]string // bearer token -> organization id
	sso        map[string]*SSOConfiguration
	ssoIndex   *index // by organization, createdAt, id: what List pages through
	scim       map[string]*SCIMConfiguration
	scimIndex  *index
	scimTokens map[string]string // SCIM bearer token -> SCIM configuration id
	dirty      map[Key]struct{}  // what changed since Changes was last called
}

// Kind is a kind of record.
type Kind int

// The kinds of records.
const (
	KindOrganization Kind = iota
	KindSSO
	KindSCIM
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
				o := *o
				o.Principals = slices.Clone(o.Principals)
				changed.Organizations = append(changed.Organizations, o)
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
		}
		deleted = append(deleted, k)
	}
	clear(s.dirty)
	return changed, deleted
}

// New builds a store holding a copy of data. data must already be valid (fixtures check it).
func New(data Data, opts Options) (*Store, error) {
	s := &Store{
		now:        opts.Now,
		rand:       opts.Rand,
		orgs:       map[string]*Organization{},
		principals: map[string]string{},
		sso:        map[string]*SSOConfiguration{},
		ssoIndex:   newIndex(),
		scim:       map[string]*SCIMConfiguration{},
		scimIndex:  newIndex(),
		scimTokens: map[string]string{},
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
	if opts.Pages.Default <= 0 || opts.Pages.Max < opts.Pages.Default {
		return nil, fmt.Errorf("store: page sizes %+v: want 0 < Default <= Max", opts.Pages)
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(s.rand, key); err != nil {
		return nil, fmt.Errorf("store: reading page-token key: %w", err)
	}
	s.pages = pager{key: key, sizes: opts.Pages}
	for _, o := range data.Organizations {
		o.Principals = slices.Clone(o.Principals)
		s.orgs[o.ID] = &o
		if o.Default {
			s.defaultOrg = o.ID
		}
		for _, p := range o.Principals {
			s.principals[p.Token] = o.ID
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
	return s, nil
}

// Authenticate returns the organization a bearer token acts for. Tokens of fixture principals
// act for their organization; any other token acts for the default organization unless strict
// is set or no organization is the default. ok is false when the token is refused.
func (s *Store) Authenticate(token string, strict bool) (org string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Compare with every principal's token in constant time, so response timing does not
	// tell how much of a guess was right (there are only a few principals).
	found := ""
	for t, o := range s.principals {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			found = o
		}
	}
	if found != "" {
		return found, true
	}
	if strict || s.defaultOrg == "" {
		return "", false
	}
	return s.defaultOrg, true
}

// Counts reports how many records of each kind the store holds (for the startup log line).
func (s *Store) Counts() (orgs, principals, sso, scim int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.orgs), len(s.principals), len(s.sso), len(s.scim)
}

// notMember is the refusal of an organizationId that is not the caller's.
func notMember(org string) error {
	return errorf(ErrPermissionDenied, "organizationId: the caller is not a member of organization %s", org)
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
	for _, o := range s.orgs {
		o := *o
		o.Principals = slices.Clone(o.Principals)
		d.Organizations = append(d.Organizations, o)
	}
	for _, c := range s.sso {
		d.SSOConfigurations = append(d.SSOConfigurations, c.clone())
	}
	for _, c := range s.scim {
		d.SCIMConfigurations = append(d.SCIMConfigurations, *c)
	}
	slices.SortFunc(d.Organizations, func(a, b Organization) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.SSOConfigurations, func(a, b SSOConfiguration) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(d.SCIMConfigurations, func(a, b SCIMConfiguration) int { return strings.Compare(a.ID, b.ID) })
	return d
}
