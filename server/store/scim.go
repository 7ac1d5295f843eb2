package store

import "time"

// SCIMConfiguration is the SCIM provisioning setup of an organization, with its bearer token.
type SCIMConfiguration struct {
	ID                                 string
	OrganizationID                     string
	Name                               string
	Enabled                            bool
	SSOConfigurationID                 string
	AllowUnverifiedEmailAccountLinking bool
	CreatedAt                          time.Time
	UpdatedAt                          time.Time
	TokenExpiresAt                     time.Time
	// Token is the SCIM bearer token: returned only by Create and RegenerateSCIMToken.
	Token string
	// TokenLifetime is how long the current token was issued for; RegenerateSCIMToken
	// reuses it when the caller names no lifetime.
	TokenLifetime time.Duration
}

func (c *SCIMConfiguration) indexKey() indexKey {
	return indexKey{org: c.OrganizationID, at: c.CreatedAt, id: c.ID}
}

// SCIMCreate is what CreateSCIMConfiguration asks for.
type SCIMCreate struct {
	OrganizationID                     string
	SSOConfigurationID                 string
	Name                               string
	AllowUnverifiedEmailAccountLinking bool
	// TokenLifetime is DefaultTokenLifetime when nil.
	TokenLifetime *time.Duration
}

// SCIMUpdate is what UpdateSCIMConfiguration asks for: nil fields stay unchanged.
type SCIMUpdate struct {
	ID                                 string
	Name                               *string
	Enabled                            *bool
	SSOConfigurationID                 *string
	AllowUnverifiedEmailAccountLinking *bool
}

// CreateSCIM creates a SCIM configuration in the caller's organization, enabled, with a new
// token. The result holds the token.
func (s *Store) CreateSCIM(caller string, in SCIMCreate) (SCIMConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.orgAs(caller, in.OrganizationID, true); err != nil {
		return SCIMConfiguration{}, err
	}
	lifetime := DefaultTokenLifetime
	if in.TokenLifetime != nil {
		lifetime = *in.TokenLifetime
	}
	if err := CheckTokenLifetime("tokenExpiresIn", lifetime); err != nil {
		return SCIMConfiguration{}, err
	}
	if _, err := s.ssoOf(in.OrganizationID, in.SSOConfigurationID, "ssoConfigurationId"); err != nil {
		return SCIMConfiguration{}, err
	}
	id, err := s.newID()
	if err != nil {
		return SCIMConfiguration{}, err
	}
	token, err := s.newUniqueToken()
	if err != nil {
		return SCIMConfiguration{}, err
	}
	now, err := s.stamp(time.Time{})
	if err != nil {
		return SCIMConfiguration{}, err
	}
	expires, err := expiry("tokenExpiresIn", now, lifetime)
	if err != nil {
		return SCIMConfiguration{}, err
	}
	c := &SCIMConfiguration{
		ID:                                 id,
		OrganizationID:                     in.OrganizationID,
		Name:                               in.Name,
		Enabled:                            true,
		SSOConfigurationID:                 in.SSOConfigurationID,
		AllowUnverifiedEmailAccountLinking: in.AllowUnverifiedEmailAccountLinking,
		CreatedAt:                          now,
		UpdatedAt:                          now,
		TokenExpiresAt:                     expires,
		Token:                              token,
		TokenLifetime:                      lifetime,
	}
	s.scim[id] = c
	s.scimIndex.ReplaceOrInsert(c.indexKey())
	s.scimTokens[token] = id
	s.changed(KindSCIM, id)
	return *c, nil
}

// GetSCIM returns a SCIM configuration of the caller's organization.
func (s *Store) GetSCIM(caller, id string) (SCIMConfiguration, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.scimOf(caller, id)
	if err != nil {
		return SCIMConfiguration{}, err
	}
	return *c, nil
}

// UpdateSCIM applies the non-nil fields of in and advances updatedAt.
func (s *Store) UpdateSCIM(caller string, in SCIMUpdate) (SCIMConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scimOf(caller, in.ID)
	if err != nil {
		return SCIMConfiguration{}, err
	}
	if in.SSOConfigurationID != nil {
		if _, err := s.ssoOf(c.OrganizationID, *in.SSOConfigurationID, "ssoConfigurationId"); err != nil {
			return SCIMConfiguration{}, err
		}
	}
	next := *c
	if in.Name != nil {
		next.Name = *in.Name
	}
	if in.Enabled != nil {
		next.Enabled = *in.Enabled
	}
	if in.SSOConfigurationID != nil {
		next.SSOConfigurationID = *in.SSOConfigurationID
	}
	if in.AllowUnverifiedEmailAccountLinking != nil {
		next.AllowUnverifiedEmailAccountLinking = *in.AllowUnverifiedEmailAccountLinking
	}
	if next.UpdatedAt, err = s.stamp(c.UpdatedAt); err != nil {
		return SCIMConfiguration{}, err
	}
	*c = next
	s.changed(KindSCIM, c.ID)
	return next, nil
}

// ListSCIM returns one page of the SCIM configurations of the caller's organization (the one
// its token acts for: the request names none). Admins only.
func (s *Store) ListSCIM(caller string, req PageRequest) ([]SCIMConfiguration, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	org := s.homeOrg(caller)
	if org == "" {
		return nil, "", noHome()
	}
	if s.roleIn(caller, org) != RoleAdmin {
		// The request names no organization: say which one the token acts for.
		return nil, "", errorf(ErrPermissionDenied,
			"only an admin of organization %s (the caller's) may list its SCIM configurations, and the caller is a member", org)
	}
	l := listing{list: "ListSCIMConfigurations", org: org, idx: s.scimIndex}
	return page(s.pages, l, func(id string) SCIMConfiguration { return *s.scim[id] }, req)
}

// DeleteSCIM removes a SCIM configuration of the caller's organization; its token stops working.
func (s *Store) DeleteSCIM(caller, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scimOf(caller, id)
	if err != nil {
		return err
	}
	delete(s.scimTokens, c.Token)
	delete(s.scim, id)
	s.scimIndex.Delete(c.indexKey())
	s.changed(KindSCIM, id)
	return nil
}

// RegenerateSCIMToken replaces the token of a SCIM configuration. The new token lives lifetime,
// or as long as the previous one when lifetime is nil. The result holds the new token.
func (s *Store) RegenerateSCIMToken(caller, id string, lifetime *time.Duration) (SCIMConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scimOf(caller, id)
	if err != nil {
		return SCIMConfiguration{}, err
	}
	d := c.TokenLifetime
	if lifetime != nil {
		d = *lifetime
	}
	if err := CheckTokenLifetime("tokenExpiresIn", d); err != nil {
		return SCIMConfiguration{}, err
	}
	now, err := s.stamp(c.UpdatedAt)
	if err != nil {
		return SCIMConfiguration{}, err
	}
	expires, err := expiry("tokenExpiresIn", now, d)
	if err != nil {
		return SCIMConfiguration{}, err
	}
	token, err := s.newUniqueToken()
	if err != nil {
		return SCIMConfiguration{}, err
	}
	delete(s.scimTokens, c.Token)
	s.scimTokens[token] = id
	c.Token, c.TokenLifetime = token, d
	c.TokenExpiresAt = expires
	c.UpdatedAt = now
	s.changed(KindSCIM, id)
	return *c, nil
}

// SCIMTokenOwner returns the SCIM configuration id a SCIM bearer token belongs to.
func (s *Store) SCIMTokenOwner(token string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.scimTokens[token]
	return id, ok
}

// scimOf returns the SCIM configuration id, which only an admin of its organization may reach;
// one of an organization the caller is no member of is reported as not found, so its
// existence is not revealed. Callers hold the lock.
func (s *Store) scimOf(caller, id string) (*SCIMConfiguration, error) {
	c := s.scim[id]
	if c == nil {
		return nil, errorf(ErrNotFound, "scimConfigurationId: SCIM configuration %s not found", id)
	}
	if found, err := s.ownedAs(caller, c.OrganizationID, "scimConfigurationId", true); !found {
		return nil, errorf(ErrNotFound, "scimConfigurationId: SCIM configuration %s not found", id)
	} else if err != nil {
		return nil, err
	}
	return c, nil
}

// newUniqueToken returns a token no SCIM configuration holds. Callers hold the write lock.
func (s *Store) newUniqueToken() (string, error) {
	for {
		t, err := s.newToken()
		if err != nil {
			return "", err
		}
		if _, taken := s.scimTokens[t]; !taken {
			return t, nil
		}
	}
}
