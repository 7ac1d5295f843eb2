package store

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Membership is a member as the API shows one: the membership and the user's profile.
type Membership struct {
	Member
	User User
}

// minNameLen is the shortest organization name (CreateOrganizationRequest.name's min_len,
// which the store applies to renames too: an organization always has a name).
const minNameLen = 3

// domainName is what a domain must look like (the pattern of InviteDomains.domains).
var domainName = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$`)

// IsDomainName tells whether s is a domain name, as invite domains and domain verifications
// need.
func IsDomainName(s string) bool { return domainName.MatchString(s) }

// orgRecord is o with its members, sorted by user id (the record the state keeps). Callers
// hold the lock.
func (s *Store) orgRecord(o *Organization) Organization {
	out := o.clone()
	out.Members = nil
	for _, m := range s.members[o.ID] {
		out.Members = append(out.Members, *m)
	}
	slices.SortFunc(out.Members, func(a, b Member) int { return strings.Compare(a.UserID, b.UserID) })
	return out
}

// membership is m with its user's profile. Callers hold the lock.
func (s *Store) membership(m *Member) Membership {
	out := Membership{Member: *m}
	if u := s.users[m.UserID]; u != nil {
		out.User = *u
	}
	return out
}

func (s *Store) nameKey(org string, m *Member) indexKey {
	name := ""
	if u := s.users[m.UserID]; u != nil {
		name = strings.ToLower(u.FullName)
	}
	return indexKey{org: org, name: name, at: m.Since, id: m.UserID}
}

// putMember adds or replaces a membership, in every index. Callers hold the write lock.
func (s *Store) putMember(org string, m Member) {
	s.dropMember(org, m.UserID)
	s.members[org][m.UserID] = &m
	if s.memberships[m.UserID] == nil {
		s.memberships[m.UserID] = map[string]struct{}{}
	}
	s.memberships[m.UserID][org] = struct{}{}
	s.byName.ReplaceOrInsert(s.nameKey(org, &m))
	s.byJoined.ReplaceOrInsert(indexKey{org: org, at: m.Since, id: m.UserID})
}

// dropMember removes a membership from every index. Callers hold the write lock.
func (s *Store) dropMember(org, user string) {
	m := s.members[org][user]
	if m == nil {
		return
	}
	delete(s.members[org], user)
	delete(s.memberships[user], org)
	if len(s.memberships[user]) == 0 {
		delete(s.memberships, user)
	}
	s.byName.Delete(s.nameKey(org, m))
	s.byJoined.Delete(indexKey{org: org, at: m.Since, id: user})
}

// activeAdmins counts the active admins of org. Callers hold the lock.
func (s *Store) activeAdmins(org string) int {
	n := 0
	for _, m := range s.members[org] {
		if m.Status == StatusActive && m.Role == RoleAdmin {
			n++
		}
	}
	return n
}

// lastAdmin is the refusal of a change that would leave org without an active admin.
func lastAdmin(field, user, org string) error {
	return errorf(ErrFailedPrecondition,
		"%s: user %s is the last admin of organization %s; make another member an admin first", field, user, org)
}

// OrganizationCreate is what CreateOrganization asks for.
type OrganizationCreate struct {
	Name string
	// Join makes the caller the new organization's first admin.
	Join bool
	// InviteMatchingDomain sets the invite domains to the caller's email domain.
	InviteMatchingDomain bool
}

// CreateOrganization creates an organization on the free tier; with Join the caller becomes its
// admin, and the membership is returned.
func (s *Store) CreateOrganization(user string, in OrganizationCreate) (Organization, *Membership, error) {
	if err := checkName("name", in.Name); err != nil {
		return Organization{}, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[user]
	if u == nil {
		return Organization{}, nil, errorf(ErrPermissionDenied, "the caller is no user of this mock")
	}
	var domains []string
	if in.InviteMatchingDomain {
		_, domain, _ := strings.Cut(u.Email, "@")
		if !domainName.MatchString(domain) {
			return Organization{}, nil, errorf(ErrFailedPrecondition,
				"inviteAccountsWithMatchingDomain: the caller's email %q has no domain to invite by", u.Email)
		}
		domains = []string{strings.ToLower(domain)}
	}
	id, err := s.newID()
	if err != nil {
		return Organization{}, nil, err
	}
	now, err := s.stamp(time.Time{})
	if err != nil {
		return Organization{}, nil, err
	}
	o := &Organization{ID: id, Name: in.Name, Tier: TierFree, InviteDomains: domains, CreatedAt: now, UpdatedAt: now}
	s.orgs[id] = o
	s.members[id] = map[string]*Member{}
	s.changed(KindOrganization, id)
	if !in.Join {
		return s.orgRecord(o), nil, nil
	}
	s.putMember(id, Member{UserID: user, Role: RoleAdmin, Status: StatusActive, Since: now})
	m := s.membership(s.members[id][user])
	return s.orgRecord(o), &m, nil
}

func checkName(field, name string) error {
	if utf8.RuneCountInString(name) < minNameLen {
		return errorf(ErrInvalidArgument, "%s: must be at least %d characters long", field, minNameLen)
	}
	return nil
}

// GetOrganization returns an organization the caller is an active member of.
func (s *Store) GetOrganization(user, org string) (Organization, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return Organization{}, err
	}
	return s.orgRecord(o), nil
}

// OrganizationUpdate is what UpdateOrganization asks for: nil fields stay unchanged; a non-nil
// InviteDomains replaces the list (empty clears it).
type OrganizationUpdate struct {
	ID            string
	Name          *string
	InviteDomains *[]string
}

// UpdateOrganization renames an organization or replaces its invite domains (admins only).
func (s *Store) UpdateOrganization(user string, in OrganizationUpdate) (Organization, error) {
	if in.Name != nil {
		if err := checkName("name", *in.Name); err != nil {
			return Organization{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, in.ID, true)
	if err != nil {
		return Organization{}, err
	}
	next := *o
	if in.Name != nil {
		next.Name = *in.Name
	}
	if in.InviteDomains != nil {
		next.InviteDomains = slices.Clone(*in.InviteDomains)
	}
	if next.UpdatedAt, err = s.stamp(o.UpdatedAt); err != nil {
		return Organization{}, err
	}
	*o = next
	s.changed(KindOrganization, o.ID)
	return s.orgRecord(o), nil
}

// DeleteOrganization removes an organization and everything it owns: members, invite, domain
// verifications, SSO and SCIM configurations (their tokens stop working). Admins only.
func (s *Store) DeleteOrganization(user, org string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.orgAs(user, org, true); err != nil {
		return err
	}
	for id, c := range s.scim {
		if c.OrganizationID == org {
			delete(s.scimTokens, c.Token)
			delete(s.scim, id)
			s.scimIndex.Delete(c.indexKey())
			s.changed(KindSCIM, id)
		}
	}
	for id, c := range s.sso {
		if c.OrganizationID == org {
			delete(s.sso, id)
			s.ssoIndex.Delete(c.indexKey())
			s.changed(KindSSO, id)
		}
	}
	for id, d := range s.domains {
		if d.OrganizationID == org {
			delete(s.domains, id)
			s.domainIndex.Delete(d.indexKey())
			s.changed(KindDomainVerification, id)
		}
	}
	for u := range s.members[org] {
		s.dropMember(org, u)
	}
	for _, v := range s.orgs[org].Terms.Versions {
		s.termsIndex.Delete(termsKey(org, v))
	}
	delete(s.members, org)
	delete(s.invites, s.orgs[org].InviteID)
	delete(s.orgs, org)
	s.changed(KindOrganization, org)
	return nil
}

// MemberQuery is what ListMembers asks for besides the page.
type MemberQuery struct {
	OrganizationID string
	// Search is a case-insensitive substring of the full name or the email ("" matches all).
	Search string
	// Statuses, Roles and UserIDs keep only the members with one of the values (nil keeps all).
	Statuses []string
	Roles    []string
	UserIDs  []string
	// SortField is SortByName, SortByJoined, or "" for the default order: the caller first,
	// then the others by name.
	SortField string
	// Desc sorts descending (not with the default order).
	Desc bool
	// Count asks for the number of members the filter matches.
	Count bool
}

// Sort fields of ListMembers, as the API spells them.
const (
	SortByName   = "SORT_FIELD_NAME"
	SortByJoined = "SORT_FIELD_DATE_JOINED"
)

// ListMembers returns one page of an organization's members (any active member may list them),
// and, when asked, how many the filter matches.
func (s *Store) ListMembers(user string, q MemberQuery, req PageRequest) (members []Membership, next string, count int, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.orgAs(user, q.OrganizationID, false); err != nil {
		return nil, "", 0, err
	}
	org := q.OrganizationID
	keep := q.matcher(func(id string) Membership { return s.membership(s.members[org][id]) })
	l := listing{list: "ListMembers", org: org, query: q.key(user), idx: s.byName, keep: keep}
	switch q.SortField {
	case SortByJoined:
		l.idx, l.desc = s.byJoined, q.Desc
	case SortByName:
		l.desc = q.Desc
	default:
		// The caller first, then everyone else by name.
		if s.members[org][user] != nil && keep(user) {
			l.first = user
		}
		l.keep = func(id string) bool { return id != user && keep(id) }
	}
	members, next, err = page(s.pages, l, func(id string) Membership { return s.membership(s.members[org][id]) }, req)
	if err != nil {
		return nil, "", 0, err
	}
	if q.Count {
		count = l.count()
	}
	return members, next, count, nil
}

// matcher returns whether a member (read with get) passes the filter.
func (q MemberQuery) matcher(get func(id string) Membership) func(id string) bool {
	search := strings.ToLower(q.Search)
	return func(id string) bool {
		m := get(id)
		return (search == "" || strings.Contains(strings.ToLower(m.User.FullName), search) ||
			strings.Contains(strings.ToLower(m.User.Email), search)) &&
			(q.Statuses == nil || slices.Contains(q.Statuses, m.Status)) &&
			(q.Roles == nil || slices.Contains(q.Roles, m.Role)) &&
			(q.UserIDs == nil || slices.Contains(q.UserIDs, m.UserID))
	}
}

// key is what a page token of the query is bound to: its filter and sort (and, for the
// default order, the caller, whom it lists first).
func (q MemberQuery) key(user string) string {
	norm := func(v []string) string {
		if v == nil {
			return "*"
		}
		return strings.Join(slices.Sorted(slices.Values(v)), ",")
	}
	parts := []string{q.Search, norm(q.Statuses), norm(q.Roles), norm(q.UserIDs), q.SortField, boolKey(q.Desc)}
	if q.SortField == "" {
		parts = append(parts, user)
	}
	return hashKey(strings.Join(parts, "\x00"))
}

func boolKey(b bool) string {
	if b {
		return "desc"
	}
	return "asc"
}

// SetRole sets a member's role (admins only). The last active admin cannot be demoted.
func (s *Store) SetRole(user, org, target, role string) error {
	if role != RoleAdmin && role != RoleMember {
		return errorf(ErrInvalidArgument, "role: must be %s or %s", RoleAdmin, RoleMember)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.orgAs(user, org, true); err != nil {
		return err
	}
	return s.changeMember(org, target, "role", func(m *Member) { m.Role = role })
}

// changeMember applies change to target's membership of org: one that is not there (or left)
// is not found, and a change that would leave org without an active admin is refused, naming
// field. A change that changes nothing is not recorded. Callers hold the write lock.
func (s *Store) changeMember(org, target, field string, change func(*Member)) error {
	m := s.members[org][target]
	if m == nil || m.Status == StatusLeft {
		return errorf(ErrNotFound, "userId: user %s is not a member of organization %s", target, org)
	}
	next := *m
	change(&next)
	if next == *m {
		return nil
	}
	activeAdmin := func(m Member) bool { return m.Role == RoleAdmin && m.Status == StatusActive }
	if activeAdmin(*m) && !activeAdmin(next) && s.activeAdmins(org) == 1 {
		return lastAdmin(field, target, org)
	}
	s.putMember(org, next)
	s.changed(KindOrganization, org)
	return nil
}

// LeaveOrganization ends a user's membership of the caller's organization (the one its token
// acts for): anyone may leave, an admin may remove anyone, the last active admin may not
// leave. The membership stays, with the status USER_STATUS_LEFT.
func (s *Store) LeaveOrganization(user, target string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.homeOrg(user)
	if org == "" {
		return noHome()
	}
	if target != user && s.roleIn(user, org) != RoleAdmin {
		return notAdmin("userId", org)
	}
	return s.changeMember(org, target, "userId", func(m *Member) { m.Status = StatusLeft })
}

// Join is what JoinOrganization asks for: one of the two ids.
type Join struct {
	InviteID       string
	OrganizationID string
}

// JoinOrganization makes the caller an active member of an organization, by its current
// invite or, when the caller's email domain is one of its invite domains, by its id. A member
// already gets the membership as it is; one who left joins again as a member.
func (s *Store) JoinOrganization(user string, in Join) (Membership, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var org string
	switch {
	case in.InviteID != "":
		org = s.invites[in.InviteID]
		if org == "" {
			return Membership{}, errorf(ErrNotFound, "inviteId: invite %s not found (a new invite replaces the previous one)", in.InviteID)
		}
	case in.OrganizationID != "":
		org = in.OrganizationID
		o := s.orgs[org]
		if o == nil {
			return Membership{}, errorf(ErrNotFound, "organizationId: organization %s not found", org)
		}
		if m := s.members[org][user]; m == nil || m.Status == StatusLeft {
			email := ""
			if u := s.users[user]; u != nil {
				email = u.Email
			}
			_, domain, _ := strings.Cut(email, "@")
			if !slices.ContainsFunc(o.InviteDomains, func(d string) bool { return strings.EqualFold(d, domain) }) {
				return Membership{}, errorf(ErrPermissionDenied,
					"organizationId: the caller's email domain %q is not one of the invite domains of organization %s: join by invite", domain, org)
			}
		}
	default:
		return Membership{}, errorf(ErrInvalidArgument, "inviteId, organizationId: set one of them")
	}
	if m := s.members[org][user]; m != nil {
		switch m.Status {
		case StatusActive:
			return s.membership(m), nil
		case StatusSuspended:
			return Membership{}, errorf(ErrPermissionDenied, "the caller's membership of organization %s is suspended", org)
		}
	}
	if s.users[user] == nil {
		return Membership{}, errorf(ErrPermissionDenied, "the caller is no user of this mock")
	}
	now, err := s.stamp(time.Time{})
	if err != nil {
		return Membership{}, err
	}
	s.putMember(org, Member{UserID: user, Role: RoleMember, Status: StatusActive, Since: now})
	s.changed(KindOrganization, org)
	return s.membership(s.members[org][user]), nil
}

// CreateInvite gives an organization a new invite, which replaces the current one (admins only).
func (s *Store) CreateInvite(user, org string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return "", err
	}
	return s.newInvite(o)
}

func (s *Store) newInvite(o *Organization) (string, error) {
	id, err := s.newID()
	if err != nil {
		return "", err
	}
	delete(s.invites, o.InviteID)
	o.InviteID = id
	s.invites[id] = o.ID
	s.changed(KindOrganization, o.ID)
	return id, nil
}

// GetInvite returns an organization's current invite, creating one when it has none (admins
// only).
func (s *Store) GetInvite(user, org string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return "", err
	}
	if o.InviteID != "" {
		return o.InviteID, nil
	}
	return s.newInvite(o)
}

// InviteSummary is what someone about to join learns from an invite.
type InviteSummary struct {
	OrganizationID   string
	OrganizationName string
	MemberCount      int
}

// GetInviteSummary summarizes the organization a current invite leads to, for any caller.
func (s *Store) GetInviteSummary(inviteID string) (InviteSummary, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	org := s.invites[inviteID]
	if org == "" {
		return InviteSummary{}, errorf(ErrNotFound, "inviteId: invite %s not found (a new invite replaces the previous one)", inviteID)
	}
	n := 0
	for _, m := range s.members[org] {
		if m.Status == StatusActive {
			n++
		}
	}
	return InviteSummary{OrganizationID: org, OrganizationName: s.orgs[org].Name, MemberCount: n}, nil
}
