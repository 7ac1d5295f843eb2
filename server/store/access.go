package store

import "time"

// Who may do what. Every operation acts as a user (the bearer token's); an organization is
// reached through the user's membership of it: only an active member counts, and managing
// the organization (its settings, members, invites, domains, SSO and SCIM) takes an admin.

// roleIn is the user's role in org, or "" when the user is not an active member of it.
// Callers hold the lock.
func (s *Store) roleIn(user, org string) string {
	m := s.members[org][user]
	if m == nil || m.Status != StatusActive {
		return ""
	}
	return m.Role
}

// notMember is the refusal of an organizationId the caller is not an active member of.
func notMember(org string) error {
	return errorf(ErrPermissionDenied, "organizationId: the caller is not a member of organization %s", org)
}

// notAdmin is the refusal of an operation for admins to a plain member; field names the id the
// request reached the organization by.
func notAdmin(field, org string) error {
	return errorf(ErrPermissionDenied, "%s: only an admin of organization %s may do this, and the caller is a member", field, org)
}

// orgAs returns the organization an organizationId names, if the user is an active member of
// it (and an admin, when admin is set). Callers hold the lock.
func (s *Store) orgAs(user, org string, admin bool) (*Organization, error) {
	o := s.orgs[org]
	role := ""
	if o != nil {
		role = s.roleIn(user, org)
	}
	switch {
	case role == "":
		return nil, notMember(org)
	case admin && role != RoleAdmin:
		return nil, notAdmin("organizationId", org)
	}
	return o, nil
}

// ownedAs checks that the user may act on a record of org that the request named by field.
// found is false when the user is no active member of org: the caller answers as for a
// record that does not exist, so that its existence is not revealed. A plain member is
// refused (err) what takes an admin. Callers hold the lock.
func (s *Store) ownedAs(user, org, field string, admin bool) (found bool, err error) {
	switch role := s.roleIn(user, org); {
	case role == "":
		return false, nil
	case admin && role != RoleAdmin:
		return true, notAdmin(field, org)
	}
	return true, nil
}

// homeOrg is the organization a user's token acts for where a request names none
// (ListSCIMConfigurations, LeaveOrganization): the user's earliest active membership, ties by
// organization id; "" when the user is an active member of none. Callers hold the lock.
func (s *Store) homeOrg(user string) string {
	home := ""
	var since time.Time
	for org := range s.memberships[user] {
		m := s.members[org][user]
		if m.Status != StatusActive {
			continue
		}
		if home == "" || m.Since.Before(since) || m.Since.Equal(since) && org < home {
			home, since = org, m.Since
		}
	}
	return home
}

// noHome is the refusal of a request that names no organization from a user who is an active
// member of none.
func noHome() error {
	return errorf(ErrPermissionDenied, "the caller is not an active member of any organization")
}
