package store

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// SSO configuration states and provider types, as the API spells them.
const (
	SSOStateInactive    = "SSO_CONFIGURATION_STATE_INACTIVE"
	SSOStateActive      = "SSO_CONFIGURATION_STATE_ACTIVE"
	ProviderTypeBuiltin = "PROVIDER_TYPE_BUILTIN"
	ProviderTypeCustom  = "PROVIDER_TYPE_CUSTOM"
)

// SSOConfiguration is an OIDC single sign-on setup of an organization.
type SSOConfiguration struct {
	ID               string
	OrganizationID   string
	ClientID         string
	ClientSecret     string // stored, never returned
	IssuerURL        string
	State            string
	ProviderType     string
	Claims           map[string]string
	EmailDomain      string
	EmailDomains     []string
	DisplayName      string
	AdditionalScopes []string
	ClaimsExpression string
	// CreatedAt is not part of the API; it orders List results.
	CreatedAt time.Time
}

func (c SSOConfiguration) clone() SSOConfiguration {
	c.Claims = maps.Clone(c.Claims)
	c.EmailDomains = slices.Clone(c.EmailDomains)
	c.AdditionalScopes = slices.Clone(c.AdditionalScopes)
	return c
}

// ssoFor returns the SSO configuration id, which only an admin of its organization may reach;
// one of an organization the caller is no member of is not found. Callers hold the lock.
func (s *Store) ssoFor(caller, id string) (*SSOConfiguration, error) {
	c := s.sso[id]
	if c == nil {
		return nil, errorf(ErrNotFound, "ssoConfigurationId: SSO configuration %s not found", id)
	}
	if found, err := s.ownedAs(caller, c.OrganizationID, "ssoConfigurationId", true); !found {
		return nil, errorf(ErrNotFound, "ssoConfigurationId: SSO configuration %s not found", id)
	} else if err != nil {
		return nil, err
	}
	return c, nil
}

// ssoOf returns the SSO configuration id of organization org (a link to resolve). Callers
// hold the lock.
func (s *Store) ssoOf(org, id, field string) (*SSOConfiguration, error) {
	c := s.sso[id]
	if c == nil || c.OrganizationID != org {
		return nil, errorf(ErrNotFound, "%s: SSO configuration %s not found", field, id)
	}
	return c, nil
}

func (c *SSOConfiguration) indexKey() indexKey {
	return indexKey{org: c.OrganizationID, at: c.CreatedAt, id: c.ID}
}

// googleIssuer is the issuer of the one built-in provider.
const googleIssuer = "https://accounts.google.com"

// providerType derives the provider type from the issuer: Google's is built in, any other
// issuer is a custom OIDC provider.
func providerType(issuer string) string {
	if strings.TrimSuffix(issuer, "/") == googleIssuer {
		return ProviderTypeBuiltin
	}
	return ProviderTypeCustom
}

// SSOCreate is what CreateSSOConfiguration asks for.
type SSOCreate struct {
	OrganizationID   string
	ClientID         string
	ClientSecret     string
	IssuerURL        string
	EmailDomain      string
	EmailDomains     []string
	DisplayName      string
	AdditionalScopes []string
	ClaimsExpression string
}

// SSOUpdate is what UpdateSSOConfiguration asks for. Nil pointers stay unchanged; Claims and
// EmailDomains (no presence in the API) replace when non-empty; AdditionalScopes non-nil
// replaces (an empty list clears); State "" or UNSPECIFIED stays unchanged.
type SSOUpdate struct {
	ID               string
	ClientID         *string
	ClientSecret     *string
	IssuerURL        *string
	State            *string
	Claims           map[string]string
	EmailDomain      *string
	EmailDomains     []string
	DisplayName      *string
	AdditionalScopes *[]string
	ClaimsExpression *string
}

// CreateSSO creates an inactive SSO configuration in the caller's organization.
func (s *Store) CreateSSO(caller string, in SSOCreate) (SSOConfiguration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.orgAs(caller, in.OrganizationID, true); err != nil {
		return SSOConfiguration{}, err
	}
	created, err := s.stamp(time.Time{})
	if err != nil {
		return SSOConfiguration{}, err
	}
	id, err := s.newID()
	if err != nil {
		return SSOConfiguration{}, err
	}
	c := SSOConfiguration{
		ID:               id,
		OrganizationID:   in.OrganizationID,
		ClientID:         in.ClientID,
		ClientSecret:     in.ClientSecret,
		IssuerURL:        in.IssuerURL,
		State:            SSOStateInactive,
		ProviderType:     providerType(in.IssuerURL),
		EmailDomain:      in.EmailDomain,
		EmailDomains:     in.EmailDomains,
		DisplayName:      in.DisplayName,
		AdditionalScopes: in.AdditionalScopes,
		ClaimsExpression: in.ClaimsExpression,
		CreatedAt:        created,
	}.clone()
	s.sso[id] = &c
	s.ssoIndex.ReplaceOrInsert(c.indexKey())
	s.changed(KindSSO, id)
	return c.clone(), nil
}

// GetSSO returns an SSO configuration of the caller's organization.
func (s *Store) GetSSO(caller, id string) (SSOConfiguration, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.ssoFor(caller, id)
	if err != nil {
		return SSOConfiguration{}, err
	}
	return c.clone(), nil
}

// UpdateSSO applies in to an SSO configuration of the caller's organization. A new issuer
// re-derives the provider type.
func (s *Store) UpdateSSO(caller string, in SSOUpdate) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.ssoFor(caller, in.ID)
	if err != nil {
		return err
	}
	next := c.clone()
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&next.ClientID, in.ClientID)
	set(&next.ClientSecret, in.ClientSecret)
	set(&next.EmailDomain, in.EmailDomain)
	set(&next.DisplayName, in.DisplayName)
	set(&next.ClaimsExpression, in.ClaimsExpression)
	if in.IssuerURL != nil {
		next.IssuerURL = *in.IssuerURL
		next.ProviderType = providerType(next.IssuerURL)
	}
	if in.State != nil && *in.State != "" && *in.State != "SSO_CONFIGURATION_STATE_UNSPECIFIED" {
		next.State = *in.State
	}
	if len(in.Claims) > 0 {
		next.Claims = maps.Clone(in.Claims)
	}
	if len(in.EmailDomains) > 0 {
		next.EmailDomains = slices.Clone(in.EmailDomains)
	}
	if in.AdditionalScopes != nil {
		next.AdditionalScopes = slices.Clone(*in.AdditionalScopes)
	}
	*c = next
	s.changed(KindSSO, c.ID)
	return nil
}

// ListSSO returns one page of the SSO configurations of org, which must be the caller's.
func (s *Store) ListSSO(caller, org string, req PageRequest) ([]SSOConfiguration, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.orgAs(caller, org, true); err != nil {
		return nil, "", err
	}
	l := listing{list: "ListSSOConfigurations", org: org, idx: s.ssoIndex}
	return page(s.pages, l, func(id string) SSOConfiguration { return s.sso[id].clone() }, req)
}

// DeleteSSO removes an SSO configuration of the caller's organization, unless a SCIM
// configuration still links it (failed precondition, naming the SCIM configuration).
func (s *Store) DeleteSSO(caller, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.ssoFor(caller, id); err != nil {
		return err
	}
	var linked []string
	for _, sc := range s.scim {
		if sc.SSOConfigurationID == id {
			linked = append(linked, sc.ID)
		}
	}
	if len(linked) > 0 {
		slices.Sort(linked)
		return errorf(ErrFailedPrecondition,
			"ssoConfigurationId: SSO configuration %s is linked by SCIM configuration %s; delete that or link it elsewhere first",
			id, strings.Join(linked, ", "))
	}
	c := s.sso[id]
	delete(s.sso, id)
	s.ssoIndex.Delete(c.indexKey())
	s.changed(KindSSO, id)
	return nil
}
