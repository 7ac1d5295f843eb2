package store

import (
	"maps"
	"slices"
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

// ssoOf returns the SSO configuration id of organization org. Callers hold the lock.
func (s *Store) ssoOf(org, id, field string) (*SSOConfiguration, error) {
	c := s.sso[id]
	if c == nil || c.OrganizationID != org {
		return nil, errorf(ErrNotFound, "%s: SSO configuration %s not found", field, id)
	}
	return c, nil
}
