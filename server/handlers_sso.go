package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// CreateSSOConfiguration implements api.StrictServerInterface.
func (handlers) CreateSSOConfiguration(ctx context.Context, req api.CreateSSOConfigurationRequestObject) (api.CreateSSOConfigurationResponseObject, error) {
	b := req.Body
	c, err := storeOf(ctx).CreateSSO(caller(ctx), store.SSOCreate{
		OrganizationID:   b.OrganizationId.String(),
		ClientID:         b.ClientId,
		ClientSecret:     b.ClientSecret,
		IssuerURL:        b.IssuerUrl,
		EmailDomain:      deref(b.EmailDomain),
		EmailDomains:     deref(b.EmailDomains),
		DisplayName:      deref(b.DisplayName),
		AdditionalScopes: deref(b.AdditionalScopes),
		ClaimsExpression: deref(b.ClaimsExpression),
	})
	if err != nil {
		return nil, err
	}
	return api.CreateSSOConfiguration200JSONResponse{SsoConfiguration: ssoToAPI(c)}, nil
}

// GetSSOConfiguration implements api.StrictServerInterface.
func (handlers) GetSSOConfiguration(ctx context.Context, req api.GetSSOConfigurationRequestObject) (api.GetSSOConfigurationResponseObject, error) {
	c, err := storeOf(ctx).GetSSO(caller(ctx), req.Body.SsoConfigurationId.String())
	if err != nil {
		return nil, err
	}
	return api.GetSSOConfiguration200JSONResponse{SsoConfiguration: ssoToAPI(c)}, nil
}

// UpdateSSOConfiguration implements api.StrictServerInterface.
func (handlers) UpdateSSOConfiguration(ctx context.Context, req api.UpdateSSOConfigurationRequestObject) (api.UpdateSSOConfigurationResponseObject, error) {
	b := req.Body
	in := store.SSOUpdate{
		ID:               b.SsoConfigurationId.String(),
		ClientID:         b.ClientId,
		ClientSecret:     b.ClientSecret,
		IssuerURL:        b.IssuerUrl,
		Claims:           deref(b.Claims),
		EmailDomain:      b.EmailDomain,
		EmailDomains:     deref(b.EmailDomains),
		DisplayName:      b.DisplayName,
		ClaimsExpression: b.ClaimsExpression,
	}
	if b.State != nil {
		state := string(*b.State)
		in.State = &state
	}
	if b.AdditionalScopes != nil {
		scopes := deref(b.AdditionalScopes.Scopes)
		in.AdditionalScopes = &scopes
	}
	if err := storeOf(ctx).UpdateSSO(caller(ctx), in); err != nil {
		return nil, err
	}
	return api.UpdateSSOConfiguration200JSONResponse{}, nil
}

// ListSSOConfigurations implements api.StrictServerInterface.
func (handlers) ListSSOConfigurations(ctx context.Context, req api.ListSSOConfigurationsRequestObject) (api.ListSSOConfigurationsResponseObject, error) {
	items, next, err := storeOf(ctx).ListSSO(caller(ctx), req.Body.OrganizationId.String(),
		pageRequest(req.Params.Token, req.Params.PageSize, req.Body.Pagination))
	if err != nil {
		return nil, err
	}
	out := api.ListSSOConfigurations200JSONResponse{Pagination: api.PaginationResponse{NextToken: nonZero(next)}}
	if len(items) > 0 {
		list := make([]api.SSOConfiguration, len(items))
		for i, c := range items {
			list[i] = ssoToAPI(c)
		}
		out.SsoConfigurations = &list
	}
	return out, nil
}

// DeleteSSOConfiguration implements api.StrictServerInterface.
func (handlers) DeleteSSOConfiguration(ctx context.Context, req api.DeleteSSOConfigurationRequestObject) (api.DeleteSSOConfigurationResponseObject, error) {
	if err := storeOf(ctx).DeleteSSO(caller(ctx), req.Body.SsoConfigurationId.String()); err != nil {
		return nil, err
	}
	return api.DeleteSSOConfiguration200JSONResponse{}, nil
}

// ssoToAPI renders an SSO configuration like protojson (zero values omitted). The client
// secret has no field in the API model, so it cannot leave through it.
func ssoToAPI(c store.SSOConfiguration) api.SSOConfiguration {
	return api.SSOConfiguration{
		Id:               uuid.MustParse(c.ID),
		OrganizationId:   uuid.MustParse(c.OrganizationID),
		ClientId:         nonZero(c.ClientID),
		IssuerUrl:        c.IssuerURL,
		State:            api.SSOConfigurationState(c.State),
		ProviderType:     api.ProviderType(c.ProviderType),
		Claims:           nonEmpty(c.Claims),
		EmailDomain:      nonZero(c.EmailDomain),
		EmailDomains:     nonEmpty(c.EmailDomains),
		DisplayName:      nonZero(c.DisplayName),
		AdditionalScopes: nonEmpty(c.AdditionalScopes),
		ClaimsExpression: nonZero(c.ClaimsExpression),
	}
}

// nonEmpty returns a pointer to a non-empty slice or map, or nil (protojson omits empty ones).
func nonEmpty[T interface{ ~[]string | ~map[string]string }](v T) *T {
	if len(v) == 0 {
		return nil
	}
	return &v
}
