package server

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// Handlers translate between API types and the store; the store decides. Errors are returned
// as they come: writeError renders them as Connect errors, and the engine checks them against
// the spec like any answer.

// CreateSCIMConfiguration implements api.StrictServerInterface.
func (handlers) CreateSCIMConfiguration(ctx context.Context, req api.CreateSCIMConfigurationRequestObject) (api.CreateSCIMConfigurationResponseObject, error) {
	b := req.Body
	lifetime, err := optionalDuration("tokenExpiresIn", b.TokenExpiresIn)
	if err != nil {
		return nil, err
	}
	c, err := storeOf(ctx).CreateSCIM(caller(ctx), store.SCIMCreate{
		OrganizationID:                     b.OrganizationId.String(),
		SSOConfigurationID:                 b.SsoConfigurationId.String(),
		Name:                               deref(b.Name),
		AllowUnverifiedEmailAccountLinking: deref(b.AllowUnverifiedEmailAccountLinking),
		TokenLifetime:                      lifetime,
	})
	if err != nil {
		return nil, err
	}
	return api.CreateSCIMConfiguration200JSONResponse{
		Token:             c.Token,
		ScimConfiguration: scimToAPI(c),
		TokenExpiresAt:    c.TokenExpiresAt,
	}, nil
}

// GetSCIMConfiguration implements api.StrictServerInterface.
func (handlers) GetSCIMConfiguration(ctx context.Context, req api.GetSCIMConfigurationRequestObject) (api.GetSCIMConfigurationResponseObject, error) {
	c, err := storeOf(ctx).GetSCIM(caller(ctx), req.Body.ScimConfigurationId.String())
	if err != nil {
		return nil, err
	}
	return api.GetSCIMConfiguration200JSONResponse{ScimConfiguration: scimToAPI(c)}, nil
}

// UpdateSCIMConfiguration implements api.StrictServerInterface.
func (handlers) UpdateSCIMConfiguration(ctx context.Context, req api.UpdateSCIMConfigurationRequestObject) (api.UpdateSCIMConfigurationResponseObject, error) {
	b := req.Body
	in := store.SCIMUpdate{
		ID:                                 b.ScimConfigurationId.String(),
		Name:                               b.Name,
		Enabled:                            b.Enabled,
		AllowUnverifiedEmailAccountLinking: b.AllowUnverifiedEmailAccountLinking,
	}
	if b.SsoConfigurationId != nil {
		id := b.SsoConfigurationId.String()
		in.SSOConfigurationID = &id
	}
	c, err := storeOf(ctx).UpdateSCIM(caller(ctx), in)
	if err != nil {
		return nil, err
	}
	return api.UpdateSCIMConfiguration200JSONResponse{ScimConfiguration: scimToAPI(c)}, nil
}

// ListSCIMConfigurations implements api.StrictServerInterface.
func (handlers) ListSCIMConfigurations(ctx context.Context, req api.ListSCIMConfigurationsRequestObject) (api.ListSCIMConfigurationsResponseObject, error) {
	items, next, err := storeOf(ctx).ListSCIM(caller(ctx), pageRequest(req.Params.Token, req.Params.PageSize, req.Body.Pagination))
	if err != nil {
		return nil, err
	}
	out := api.ListSCIMConfigurations200JSONResponse{Pagination: api.PaginationResponse{NextToken: nonZero(next)}}
	if len(items) > 0 {
		list := make([]api.SCIMConfiguration, len(items))
		for i, c := range items {
			list[i] = scimToAPI(c)
		}
		out.ScimConfigurations = &list
	}
	return out, nil
}

// DeleteSCIMConfiguration implements api.StrictServerInterface.
func (handlers) DeleteSCIMConfiguration(ctx context.Context, req api.DeleteSCIMConfigurationRequestObject) (api.DeleteSCIMConfigurationResponseObject, error) {
	if err := storeOf(ctx).DeleteSCIM(caller(ctx), req.Body.ScimConfigurationId.String()); err != nil {
		return nil, err
	}
	return api.DeleteSCIMConfiguration200JSONResponse{}, nil
}

// RegenerateSCIMToken implements api.StrictServerInterface.
func (handlers) RegenerateSCIMToken(ctx context.Context, req api.RegenerateSCIMTokenRequestObject) (api.RegenerateSCIMTokenResponseObject, error) {
	lifetime, err := optionalDuration("tokenExpiresIn", req.Body.TokenExpiresIn)
	if err != nil {
		return nil, err
	}
	c, err := storeOf(ctx).RegenerateSCIMToken(caller(ctx), req.Body.ScimConfigurationId.String(), lifetime)
	if err != nil {
		return nil, err
	}
	return api.RegenerateSCIMToken200JSONResponse{Token: c.Token, TokenExpiresAt: c.TokenExpiresAt}, nil
}

// scimToAPI renders a SCIM configuration like protojson: zero values are omitted.
// The token is not part of the model and never leaves through it.
func scimToAPI(c store.SCIMConfiguration) api.SCIMConfiguration {
	out := api.SCIMConfiguration{
		Id:                                 uuid.MustParse(c.ID),
		OrganizationId:                     uuid.MustParse(c.OrganizationID),
		Name:                               nonZero(c.Name),
		Enabled:                            nonZero(c.Enabled),
		AllowUnverifiedEmailAccountLinking: nonZero(c.AllowUnverifiedEmailAccountLinking),
		CreatedAt:                          c.CreatedAt,
		UpdatedAt:                          c.UpdatedAt,
		TokenExpiresAt:                     c.TokenExpiresAt,
	}
	if c.SSOConfigurationID != "" {
		id := uuid.MustParse(c.SSOConfigurationID)
		out.SsoConfigurationId = &id
	}
	return out
}

// pageRequest resolves where List paging comes from. SDK auto-paging repeats the first body
// and only sets the query token, so the query wins: token from the query if non-empty, else
// from the body; size from the query if > 0, else from the body if > 0, else the default.
func pageRequest(queryToken *string, querySize *int32, body *api.PaginationRequest) store.PageRequest {
	var pr store.PageRequest
	if t := deref(queryToken); t != "" {
		pr.Token, pr.TokenField = t, "token"
	} else if body != nil && deref(body.Token) != "" {
		pr.Token, pr.TokenField = *body.Token, "pagination.token"
	}
	if n := deref(querySize); n > 0 {
		pr.Size = int(n)
	} else if body != nil && deref(body.PageSize) > 0 {
		pr.Size = int(*body.PageSize)
	}
	return pr
}

func optionalDuration(field string, s *string) (*time.Duration, error) {
	if s == nil {
		return nil, nil
	}
	d, err := store.ParseDuration(field, *s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// nonZero returns a pointer to v, or nil for the zero value (protojson omits those).
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
