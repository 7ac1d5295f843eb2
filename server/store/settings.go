package store

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// An organization's settings of one record each: the OIDC token configuration, the
// announcement banner, the Stripe customer id and the custom domain. They live in the
// organization's record and go with it.

// Banner is an organization's announcement banner; the zero value is a disabled, empty one.
type Banner struct {
	Message string
	Enabled bool
}

// OIDCConfig is an organization's OIDC token configuration: version 2 (no options) or 3.
type OIDCConfig struct {
	// Version is 2 or 3; 0 (never set) reads as 2.
	Version        int
	ExtraSubFields []string // version 3 only
}

// CustomDomain is an organization's custom domain.
type CustomDomain struct {
	ID             string
	Domain         string
	Provider       string
	AWSAccountID   string
	CloudAccountID string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Custom domain providers, as the API spells them.
const (
	ProviderAWS         = "CUSTOM_DOMAIN_PROVIDER_AWS"
	ProviderGCP         = "CUSTOM_DOMAIN_PROVIDER_GCP"
	providerUnspecified = "CUSTOM_DOMAIN_PROVIDER_UNSPECIFIED"
)

var (
	awsAccountID = regexp.MustCompile(`^[0-9]{12}$`)
	gcpProjectID = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
)

// GetBanner returns an organization's announcement banner (any member may read it).
func (s *Store) GetBanner(user, org string) (Banner, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return Banner{}, err
	}
	return o.Banner, nil
}

// UpdateBanner sets the banner's non-nil fields (admins of an enterprise organization only, as
// the API documents).
func (s *Store) UpdateBanner(user, org string, message *string, enabled *bool) (Banner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return Banner{}, err
	}
	if err := needsEnterprise(o, "the announcement banner"); err != nil {
		return Banner{}, err
	}
	if message != nil {
		o.Banner.Message = *message
	}
	if enabled != nil {
		o.Banner.Enabled = *enabled
	}
	s.changed(KindOrganization, org)
	return o.Banner, nil
}

// GetOIDC returns an organization's OIDC token configuration (admins only).
func (s *Store) GetOIDC(user, org string) (OIDCConfig, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return OIDCConfig{}, err
	}
	return o.OIDC.normal(), nil
}

func (c OIDCConfig) normal() OIDCConfig {
	if c.Version == 0 {
		c.Version = 2
	}
	c.ExtraSubFields = slices.Clone(c.ExtraSubFields)
	return c
}

// UpdateOIDC replaces an organization's OIDC token configuration (admins only).
func (s *Store) UpdateOIDC(user, org string, c OIDCConfig) (OIDCConfig, error) {
	if c.Version != 2 && c.Version != 3 {
		return OIDCConfig{}, errorf(ErrInvalidArgument, "oidcConfig: set v2 or v3")
	}
	if c.Version == 2 {
		c.ExtraSubFields = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return OIDCConfig{}, err
	}
	o.OIDC = c.normal()
	s.changed(KindOrganization, org)
	return o.OIDC.normal(), nil
}

// SetStripeCustomerID sets an organization's Stripe customer id (admins only). The API
// returns it nowhere.
func (s *Store) SetStripeCustomerID(user, org, id string) error {
	if strings.TrimSpace(id) == "" {
		return errorf(ErrInvalidArgument, "stripeCustomerId: must not be blank")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return err
	}
	o.StripeCustomerID = id
	s.changed(KindOrganization, org)
	return nil
}

// CustomDomainChange is what CreateCustomDomain and UpdateCustomDomain ask for: nil fields
// (and, on update, an unspecified provider) stay as they are.
type CustomDomainChange struct {
	OrganizationID string
	Domain         string
	Provider       string
	AWSAccountID   *string
	CloudAccountID *string
}

// noCustomDomain is the answer for an organization without a custom domain.
func noCustomDomain(org string) error {
	return errorf(ErrNotFound, "organizationId: organization %s has no custom domain", org)
}

// CreateCustomDomain gives an organization its custom domain (admins only). One that has one
// already answers it when the request asks for exactly it (a retried create), and is
// already_exists otherwise.
func (s *Store) CreateCustomDomain(user string, in CustomDomainChange) (CustomDomain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, in.OrganizationID, true)
	if err != nil {
		return CustomDomain{}, err
	}
	d := CustomDomain{Provider: in.Provider}
	if d.Provider == "" || d.Provider == providerUnspecified {
		d.Provider = ""
		if in.AWSAccountID != nil {
			d.Provider = ProviderAWS // the API's first provider, named by its account id
		}
	}
	if err := d.apply(in); err != nil {
		return CustomDomain{}, err
	}
	if have := o.CustomDomain; have != nil {
		if have.Domain == d.Domain && have.Provider == d.Provider && have.AWSAccountID == d.AWSAccountID && have.CloudAccountID == d.CloudAccountID {
			return *have, nil // the same create again (a retry): nothing to do
		}
		return CustomDomain{}, errorf(ErrAlreadyExists, "organizationId: organization %s has the custom domain %s already: update or delete it",
			o.ID, have.Domain)
	}
	if d.ID, err = s.newID(); err != nil {
		return CustomDomain{}, err
	}
	if d.CreatedAt, err = s.stamp(time.Time{}); err != nil {
		return CustomDomain{}, err
	}
	d.UpdatedAt = d.CreatedAt
	o.CustomDomain = &d
	s.changed(KindOrganization, o.ID)
	return d, nil
}

// CheckCustomDomain checks a custom domain by the rules its operations apply (a record of a
// fixture, say), and returns it as they would keep it (the domain lower-cased, AWS's account
// id in both fields).
func CheckCustomDomain(d CustomDomain) (CustomDomain, error) {
	aws, cloud := d.AWSAccountID, d.CloudAccountID
	err := d.apply(CustomDomainChange{Domain: d.Domain, Provider: d.Provider, AWSAccountID: &aws, CloudAccountID: &cloud})
	return d, err
}

// apply sets the fields in asks for and checks the result: a domain name, a provider, and that
// provider's account id.
func (d *CustomDomain) apply(in CustomDomainChange) error {
	if !IsDomainName(in.Domain) {
		return errorf(ErrInvalidArgument, "domainName: must be a domain name such as workspaces.example.com, got %q", in.Domain)
	}
	d.Domain = strings.ToLower(in.Domain)
	if in.Provider != "" && in.Provider != providerUnspecified {
		d.Provider = in.Provider
	}
	if in.AWSAccountID != nil {
		if in.CloudAccountID == nil && d.CloudAccountID == d.AWSAccountID {
			d.CloudAccountID = "" // it named the AWS account, which changes: it follows below
		}
		d.AWSAccountID = *in.AWSAccountID
	}
	if in.CloudAccountID != nil {
		d.CloudAccountID = *in.CloudAccountID
	}
	switch d.Provider {
	case ProviderAWS:
		if d.AWSAccountID == "" {
			d.AWSAccountID = d.CloudAccountID // the newer field names the AWS account as well
		}
		if !awsAccountID.MatchString(d.AWSAccountID) {
			return errorf(ErrInvalidArgument, "awsAccountId: must be a 12-digit AWS account id for %s, got %q", ProviderAWS, d.AWSAccountID)
		}
		if d.CloudAccountID == "" {
			d.CloudAccountID = d.AWSAccountID
		}
	case ProviderGCP:
		if d.AWSAccountID != "" {
			return errorf(ErrInvalidArgument, "awsAccountId: only for %s; %s takes cloudAccountId", ProviderAWS, ProviderGCP)
		}
		if !gcpProjectID.MatchString(d.CloudAccountID) {
			return errorf(ErrInvalidArgument, "cloudAccountId: must be a GCP project id (6 to 30 lower-case letters, digits or '-') for %s, got %q",
				ProviderGCP, d.CloudAccountID)
		}
	default:
		return errorf(ErrInvalidArgument, "provider: must be %s or %s (or give awsAccountId)", ProviderAWS, ProviderGCP)
	}
	return nil
}

// GetCustomDomain returns an organization's custom domain (any member may read it).
func (s *Store) GetCustomDomain(user, org string) (CustomDomain, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, err := s.orgAs(user, org, false)
	if err != nil {
		return CustomDomain{}, err
	}
	if o.CustomDomain == nil {
		return CustomDomain{}, noCustomDomain(org)
	}
	return *o.CustomDomain, nil
}

// UpdateCustomDomain changes an organization's custom domain (admins only); updatedAt advances.
func (s *Store) UpdateCustomDomain(user string, in CustomDomainChange) (CustomDomain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, in.OrganizationID, true)
	if err != nil {
		return CustomDomain{}, err
	}
	if o.CustomDomain == nil {
		return CustomDomain{}, noCustomDomain(o.ID)
	}
	next := *o.CustomDomain
	if next.Provider != in.Provider && in.Provider != "" && in.Provider != providerUnspecified {
		// Another provider: its account id is the one given now, not the other's.
		next.AWSAccountID, next.CloudAccountID = "", ""
	}
	if err := next.apply(in); err != nil {
		return CustomDomain{}, err
	}
	if next.UpdatedAt, err = s.stamp(next.UpdatedAt); err != nil {
		return CustomDomain{}, err
	}
	*o.CustomDomain = next
	s.changed(KindOrganization, o.ID)
	return next, nil
}

// DeleteCustomDomain removes an organization's custom domain (admins only).
func (s *Store) DeleteCustomDomain(user, org string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.orgAs(user, org, true)
	if err != nil {
		return err
	}
	if o.CustomDomain == nil {
		return noCustomDomain(org)
	}
	o.CustomDomain = nil
	s.changed(KindOrganization, org)
	return nil
}
