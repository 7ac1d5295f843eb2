package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// CreateDomainVerification implements api.StrictServerInterface.
func (handlers) CreateDomainVerification(ctx context.Context, req api.CreateDomainVerificationRequestObject) (api.CreateDomainVerificationResponseObject, error) {
	d, err := storeOf(ctx).CreateDomainVerification(caller(ctx), req.Body.OrganizationId.String(), req.Body.Domain)
	if err != nil {
		return nil, err
	}
	return api.CreateDomainVerification200JSONResponse{DomainVerification: domainToAPI(d)}, nil
}

// GetDomainVerification implements api.StrictServerInterface.
func (handlers) GetDomainVerification(ctx context.Context, req api.GetDomainVerificationRequestObject) (api.GetDomainVerificationResponseObject, error) {
	d, err := storeOf(ctx).GetDomainVerification(caller(ctx), req.Body.DomainVerificationId.String())
	if err != nil {
		return nil, err
	}
	return api.GetDomainVerification200JSONResponse{DomainVerification: domainToAPI(d)}, nil
}

// ListDomainVerifications implements api.StrictServerInterface.
func (handlers) ListDomainVerifications(ctx context.Context, req api.ListDomainVerificationsRequestObject) (api.ListDomainVerificationsResponseObject, error) {
	b := req.Body
	items, next, err := storeOf(ctx).ListDomainVerifications(caller(ctx), b.OrganizationId.String(), pageRequest(req.Params.Token, req.Params.PageSize, b.Pagination))
	if err != nil {
		return nil, err
	}
	out := api.ListDomainVerifications200JSONResponse{Pagination: api.PaginationResponse{NextToken: nonZero(next)}}
	if len(items) > 0 {
		list := make([]api.DomainVerification, len(items))
		for i, d := range items {
			list[i] = domainToAPI(d)
		}
		out.DomainVerifications = &list
	}
	return out, nil
}

// VerifyDomain implements api.StrictServerInterface.
func (handlers) VerifyDomain(ctx context.Context, req api.VerifyDomainRequestObject) (api.VerifyDomainResponseObject, error) {
	d, err := storeOf(ctx).VerifyDomain(caller(ctx), req.Body.DomainVerificationId.String())
	if err != nil {
		return nil, err
	}
	return api.VerifyDomain200JSONResponse{DomainVerification: domainToAPI(d)}, nil
}

// DeleteDomainVerification implements api.StrictServerInterface.
func (handlers) DeleteDomainVerification(ctx context.Context, req api.DeleteDomainVerificationRequestObject) (api.DeleteDomainVerificationResponseObject, error) {
	if err := storeOf(ctx).DeleteDomainVerification(caller(ctx), req.Body.DomainVerificationId.String()); err != nil {
		return nil, err
	}
	return api.DeleteDomainVerification200JSONResponse{}, nil
}

// domainToAPI renders a domain verification like protojson: zero values are omitted.
func domainToAPI(d store.DomainVerification) api.DomainVerification {
	out := api.DomainVerification{
		Id:                uuid.MustParse(d.ID),
		OrganizationId:    uuid.MustParse(d.OrganizationID),
		Domain:            d.Domain,
		State:             api.DomainVerificationState(d.State),
		VerificationToken: nonZero(d.Token),
		CreatedAt:         nonZero(d.CreatedAt),
		VerifiedAt:        nonZero(d.VerifiedAt),
	}
	return out
}
