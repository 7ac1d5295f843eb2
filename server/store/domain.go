package store

import (
	"slices"
	"strings"
	"time"
)

// Domain verification states, as the API spells them.
const (
	DomainPending  = "DOMAIN_VERIFICATION_STATE_PENDING"
	DomainVerified = "DOMAIN_VERIFICATION_STATE_VERIFIED"
)

// VerificationRecordPrefix is where a domain's verification TXT record is published:
// _gitpod-verification.<domain>.
const VerificationRecordPrefix = "_gitpod-verification."

// DomainVerification is an organization's claim to a domain: pending until the TXT record
// holding its token is published, then verified.
type DomainVerification struct {
	ID             string
	OrganizationID string
	Domain         string
	State          string
	// Token is the value of the TXT record to publish (the API's verificationToken).
	Token      string
	VerifiedAt time.Time // zero while pending
	CreatedAt  time.Time
}

// RecordName is the DNS name whose TXT records VerifyDomain reads.
func (d *DomainVerification) RecordName() string { return VerificationRecordPrefix + d.Domain }

func (d *DomainVerification) indexKey() indexKey {
	return indexKey{org: d.OrganizationID, at: d.CreatedAt, id: d.ID}
}

// domainOf returns a domain verification, which only an admin of its organization may reach;
// one of an organization the caller is no member of is not found. Callers hold the lock.
func (s *Store) domainOf(caller, id string) (*DomainVerification, error) {
	d := s.domains[id]
	if d == nil {
		return nil, errorf(ErrNotFound, "domainVerificationId: domain verification %s not found", id)
	}
	if found, err := s.ownedAs(caller, d.OrganizationID, "domainVerificationId", true); !found {
		return nil, errorf(ErrNotFound, "domainVerificationId: domain verification %s not found", id)
	} else if err != nil {
		return nil, err
	}
	return d, nil
}

// CreateDomainVerification starts verifying a domain for an organization (admins only): a
// pending verification with a new token. A domain the organization verifies already (pending or
// verified) is already_exists.
func (s *Store) CreateDomainVerification(caller, org, domain string) (DomainVerification, error) {
	if !domainName.MatchString(domain) {
		return DomainVerification{}, errorf(ErrInvalidArgument, "domain: must be a domain name such as example.com, got %q", domain)
	}
	domain = strings.ToLower(domain)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.orgAs(caller, org, true); err != nil {
		return DomainVerification{}, err
	}
	var dup *DomainVerification
	listing{org: org, idx: s.domainIndex}.walk(nil, func(k indexKey) bool {
		if d := s.domains[k.id]; d.Domain == domain {
			dup = d
		}
		return dup == nil
	})
	if dup != nil {
		return DomainVerification{}, errorf(ErrAlreadyExists,
			"domain: organization %s is verifying %s already (domain verification %s)", org, domain, dup.ID)
	}
	id, err := s.newID()
	if err != nil {
		return DomainVerification{}, err
	}
	token, err := s.newToken()
	if err != nil {
		return DomainVerification{}, err
	}
	now, err := s.stamp(time.Time{})
	if err != nil {
		return DomainVerification{}, err
	}
	d := &DomainVerification{ID: id, OrganizationID: org, Domain: domain, State: DomainPending,
		Token: "gitpod-domain-verification=" + token, CreatedAt: now}
	s.domains[id] = d
	s.domainIndex.ReplaceOrInsert(d.indexKey())
	s.changed(KindDomainVerification, id)
	return *d, nil
}

// GetDomainVerification returns a domain verification (admins only).
func (s *Store) GetDomainVerification(caller, id string) (DomainVerification, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, err := s.domainOf(caller, id)
	if err != nil {
		return DomainVerification{}, err
	}
	return *d, nil
}

// ListDomainVerifications returns one page of an organization's domain verifications, by
// (createdAt, id). Admins only.
func (s *Store) ListDomainVerifications(caller, org string, req PageRequest) ([]DomainVerification, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.orgAs(caller, org, true); err != nil {
		return nil, "", err
	}
	l := listing{list: "ListDomainVerifications", org: org, idx: s.domainIndex}
	return page(s.pages, l, func(id string) DomainVerification { return *s.domains[id] }, req)
}

// VerifyDomain marks a domain verified once a TXT record at its RecordName holds its token
// (admins only); until then it is a failed precondition naming the record. A verified domain
// stays verified.
func (s *Store) VerifyDomain(caller, id string) (DomainVerification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.domainOf(caller, id)
	if err != nil {
		return DomainVerification{}, err
	}
	if d.State == DomainVerified {
		return *d, nil
	}
	if !slices.Contains(s.lookupTXT(d.RecordName()), d.Token) {
		return DomainVerification{}, errorf(ErrFailedPrecondition,
			"domainVerificationId: no TXT record %q at %s: publish it, then verify again", d.Token, d.RecordName())
	}
	now, err := s.stamp(time.Time{})
	if err != nil {
		return DomainVerification{}, err
	}
	d.State, d.VerifiedAt = DomainVerified, now
	s.changed(KindDomainVerification, id)
	return *d, nil
}

// DeleteDomainVerification removes a domain verification (admins only).
func (s *Store) DeleteDomainVerification(caller, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.domainOf(caller, id)
	if err != nil {
		return err
	}
	delete(s.domains, id)
	s.domainIndex.Delete(d.indexKey())
	s.changed(KindDomainVerification, id)
	return nil
}
