package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// The organization's settings of one record each: OIDC, announcement banner, billing id and
// custom domain.

// GetOIDCConfig implements api.StrictServerInterface.
func (handlers) GetOIDCConfig(ctx context.Context, req api.GetOIDCConfigRequestObject) (api.GetOIDCConfigResponseObject, error) {
	c, err := storeOf(ctx).GetOIDC(caller(ctx), req.Body.OrganizationId.String())
	if err != nil {
		return nil, err
	}
	return api.GetOIDCConfig200JSONResponse{OidcConfig: oidcToAPI(c)}, nil
}

// UpdateOIDCConfig implements api.StrictServerInterface.
func (handlers) UpdateOIDCConfig(ctx context.Context, req api.UpdateOIDCConfigRequestObject) (api.UpdateOIDCConfigResponseObject, error) {
	var c store.OIDCConfig
	switch in := req.Body.OidcConfig; {
	case in.V2 != nil: // the request's validation lets one version through at most
		c.Version = 2
	case in.V3 != nil:
		c.Version, c.ExtraSubFields = 3, deref(in.V3.ExtraSubFields)
	}
	c, err := storeOf(ctx).UpdateOIDC(caller(ctx), req.Body.OrganizationId.String(), c)
	if err != nil {
		return nil, err
	}
	return api.UpdateOIDCConfig200JSONResponse{OidcConfig: oidcToAPI(c)}, nil
}

func oidcToAPI(c store.OIDCConfig) api.OIDCConfig {
	if c.Version == 3 {
		v3 := api.OIDCConfigV3{}
		if len(c.ExtraSubFields) > 0 {
			v3.ExtraSubFields = &c.ExtraSubFields
		}
		return api.OIDCConfig{V3: &v3}
	}
	return api.OIDCConfig{V2: &api.OIDCConfigV2{}}
}

// GetAnnouncementBanner implements api.StrictServerInterface.
func (handlers) GetAnnouncementBanner(ctx context.Context, req api.GetAnnouncementBannerRequestObject) (api.GetAnnouncementBannerResponseObject, error) {
	org := req.Body.OrganizationId.String()
	b, err := storeOf(ctx).GetBanner(caller(ctx), org)
	if err != nil {
		return nil, err
	}
	return api.GetAnnouncementBanner200JSONResponse{Banner: bannerToAPI(org, b)}, nil
}

// UpdateAnnouncementBanner implements api.StrictServerInterface.
func (handlers) UpdateAnnouncementBanner(ctx context.Context, req api.UpdateAnnouncementBannerRequestObject) (api.UpdateAnnouncementBannerResponseObject, error) {
	org := req.Body.OrganizationId.String()
	b, err := storeOf(ctx).UpdateBanner(caller(ctx), org, req.Body.Message, req.Body.Enabled)
	if err != nil {
		return nil, err
	}
	return api.UpdateAnnouncementBanner200JSONResponse{Banner: bannerToAPI(org, b)}, nil
}

func bannerToAPI(org string, b store.Banner) api.AnnouncementBanner {
	return api.AnnouncementBanner{OrganizationId: uuid.MustParse(org), Message: nonZero(b.Message), Enabled: nonZero(b.Enabled)}
}

// SetStripeCustomerID implements api.StrictServerInterface.
func (handlers) SetStripeCustomerID(ctx context.Context, req api.SetStripeCustomerIDRequestObject) (api.SetStripeCustomerIDResponseObject, error) {
	if err := storeOf(ctx).SetStripeCustomerID(caller(ctx), req.Body.OrganizationId.String(), req.Body.StripeCustomerId); err != nil {
		return nil, err
	}
	return api.SetStripeCustomerID200JSONResponse{}, nil
}

// CreateCustomDomain implements api.StrictServerInterface.
func (handlers) CreateCustomDomain(ctx context.Context, req api.CreateCustomDomainRequestObject) (api.CreateCustomDomainResponseObject, error) {
	b := req.Body
	d, err := storeOf(ctx).CreateCustomDomain(caller(ctx), store.CustomDomainChange{
		OrganizationID: b.OrganizationId.String(), Domain: b.DomainName, Provider: string(deref(b.Provider)),
		AWSAccountID: b.AwsAccountId, CloudAccountID: b.CloudAccountId,
	})
	if err != nil {
		return nil, err
	}
	return api.CreateCustomDomain200JSONResponse{CustomDomain: customDomainToAPI(b.OrganizationId.String(), d)}, nil
}

// GetCustomDomain implements api.StrictServerInterface.
func (handlers) GetCustomDomain(ctx context.Context, req api.GetCustomDomainRequestObject) (api.GetCustomDomainResponseObject, error) {
	org := req.Body.OrganizationId.String()
	d, err := storeOf(ctx).GetCustomDomain(caller(ctx), org)
	if err != nil {
		return nil, err
	}
	return api.GetCustomDomain200JSONResponse{CustomDomain: customDomainToAPI(org, d)}, nil
}

// UpdateCustomDomain implements api.StrictServerInterface.
func (handlers) UpdateCustomDomain(ctx context.Context, req api.UpdateCustomDomainRequestObject) (api.UpdateCustomDomainResponseObject, error) {
	b := req.Body
	d, err := storeOf(ctx).UpdateCustomDomain(caller(ctx), store.CustomDomainChange{
		OrganizationID: b.OrganizationId.String(), Domain: b.DomainName, Provider: string(deref(b.Provider)),
		AWSAccountID: b.AwsAccountId, CloudAccountID: b.CloudAccountId,
	})
	if err != nil {
		return nil, err
	}
	return api.UpdateCustomDomain200JSONResponse{CustomDomain: customDomainToAPI(b.OrganizationId.String(), d)}, nil
}

// DeleteCustomDomain implements api.StrictServerInterface.
func (handlers) DeleteCustomDomain(ctx context.Context, req api.DeleteCustomDomainRequestObject) (api.DeleteCustomDomainResponseObject, error) {
	if err := storeOf(ctx).DeleteCustomDomain(caller(ctx), req.Body.OrganizationId.String()); err != nil {
		return nil, err
	}
	return api.DeleteCustomDomain200JSONResponse{}, nil
}

func customDomainToAPI(org string, d store.CustomDomain) api.CustomDomain {
	provider := api.CustomDomainProvider(d.Provider)
	return api.CustomDomain{
		Id:             uuid.MustParse(d.ID),
		OrganizationId: uuid.MustParse(org),
		DomainName:     d.Domain,
		Provider:       &provider,
		AwsAccountId:   nonZero(d.AWSAccountID),
		CloudAccountId: nonZero(d.CloudAccountID),
		CreatedAt:      d.CreatedAt,
		UpdatedAt:      d.UpdatedAt,
	}
}
