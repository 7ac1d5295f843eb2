package server

import (
	"context"
	"encoding/base64"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// Terms of service: versions, acceptances and their export.

// GetTermsOfService implements api.StrictServerInterface.
func (handlers) GetTermsOfService(ctx context.Context, req api.GetTermsOfServiceRequestObject) (api.GetTermsOfServiceResponseObject, error) {
	org := req.Body.OrganizationId.String()
	v, err := storeOf(ctx).GetTerms(caller(ctx), org)
	if err != nil {
		return nil, err
	}
	return api.GetTermsOfService200JSONResponse{TermsOfService: termsToAPI(org, v)}, nil
}

// UpdateTermsOfService implements api.StrictServerInterface.
func (handlers) UpdateTermsOfService(ctx context.Context, req api.UpdateTermsOfServiceRequestObject) (api.UpdateTermsOfServiceResponseObject, error) {
	org := req.Body.OrganizationId.String()
	v, err := storeOf(ctx).UpdateTerms(caller(ctx), org, req.Body.Markdown, req.Body.Enabled)
	if err != nil {
		return nil, err
	}
	return api.UpdateTermsOfService200JSONResponse{TermsOfService: termsToAPI(org, v)}, nil
}

// AcceptTermsOfService implements api.StrictServerInterface.
func (handlers) AcceptTermsOfService(ctx context.Context, req api.AcceptTermsOfServiceRequestObject) (api.AcceptTermsOfServiceResponseObject, error) {
	a, err := storeOf(ctx).AcceptTerms(caller(ctx), req.Body.OrganizationId.String(), req.Body.VersionId.String())
	if err != nil {
		return nil, err
	}
	return api.AcceptTermsOfService200JSONResponse{Acceptance: acceptanceToAPI(a)}, nil
}

// ListTermsOfServiceVersions implements api.StrictServerInterface.
func (handlers) ListTermsOfServiceVersions(ctx context.Context, req api.ListTermsOfServiceVersionsRequestObject) (api.ListTermsOfServiceVersionsResponseObject, error) {
	b := req.Body
	items, next, err := storeOf(ctx).ListTermsVersions(caller(ctx), b.OrganizationId.String(), pageRequest(req.Params.Token, req.Params.PageSize, b.Pagination))
	if err != nil {
		return nil, err
	}
	out := api.ListTermsOfServiceVersions200JSONResponse{
		Pagination: api.PaginationResponse{NextToken: nonZero(next)},
		Versions:   make([]api.TermsOfServiceVersion, len(items)), // [] rather than null when there are none
	}
	for i, v := range items {
		out.Versions[i] = versionToAPI(v)
	}
	return out, nil
}

// ListTermsOfServiceAcceptances implements api.StrictServerInterface.
func (handlers) ListTermsOfServiceAcceptances(ctx context.Context, req api.ListTermsOfServiceAcceptancesRequestObject) (api.ListTermsOfServiceAcceptancesResponseObject, error) {
	b := req.Body
	items, next, err := storeOf(ctx).ListAcceptances(caller(ctx), acceptanceQuery(b.OrganizationId.String(), b.Version, b.Filter),
		pageRequest(req.Params.Token, req.Params.PageSize, b.Pagination))
	if err != nil {
		return nil, err
	}
	out := api.ListTermsOfServiceAcceptances200JSONResponse{
		Pagination:  api.PaginationResponse{NextToken: nonZero(next)},
		Acceptances: make([]api.MemberTermsOfServiceAcceptance, len(items)),
	}
	for i, m := range items {
		out.Acceptances[i] = api.MemberTermsOfServiceAcceptance{Member: memberToAPI(m.Membership), Status: api.TermsOfServiceAcceptanceStatus(m.Status)}
		if m.Latest != nil {
			version := int32(m.Latest.Version)
			out.Acceptances[i].AcceptedVersion, out.Acceptances[i].AcceptedAt = &version, &m.Latest.AcceptedAt
		}
	}
	return out, nil
}

// GetTermsOfServiceAcceptancesExport implements api.StrictServerInterface.
func (handlers) GetTermsOfServiceAcceptancesExport(ctx context.Context, req api.GetTermsOfServiceAcceptancesExportRequestObject) (api.GetTermsOfServiceAcceptancesExportResponseObject, error) {
	b := req.Body
	csv, err := storeOf(ctx).ExportAcceptances(caller(ctx), acceptanceQuery(b.OrganizationId.String(), b.Version, b.Filter))
	if err != nil {
		return nil, err
	}
	// The CSV itself, in the URL: it needs no server behind it and never expires.
	url := "data:text/csv;base64," + base64.StdEncoding.EncodeToString(csv)
	return api.GetTermsOfServiceAcceptancesExport200JSONResponse{DownloadUrl: &url}, nil
}

func acceptanceQuery(org string, version *int32, f *api.TermsOfServiceAcceptanceFilter) store.AcceptanceQuery {
	q := store.AcceptanceQuery{OrganizationID: org, Version: int(deref(version))}
	if f != nil {
		q.Statuses, q.Search = enumStrings(f.Statuses), deref(f.Search)
	}
	return q
}

func termsToAPI(org string, v store.TermsView) api.TermsOfService {
	out := api.TermsOfService{OrganizationId: uuid.MustParse(org), Enabled: nonZero(v.Enabled)}
	if v.Current != nil {
		c := versionToAPI(*v.Current)
		out.CurrentVersion = &c
	}
	if v.Mine != nil {
		a := acceptanceToAPI(*v.Mine)
		out.CurrentUserAcceptance = &a
	}
	return out
}

func versionToAPI(v store.TermsVersion) api.TermsOfServiceVersion {
	return api.TermsOfServiceVersion{
		Id: uuid.MustParse(v.ID), Version: nonZero(int32(v.Version)), Markdown: nonZero(v.Markdown),
		CreatedAt: v.CreatedAt, CreatedByUserId: uuid.MustParse(v.CreatedBy),
	}
}

func acceptanceToAPI(a store.TermsAcceptance) api.TermsOfServiceAcceptance {
	return api.TermsOfServiceAcceptance{VersionId: uuid.MustParse(a.VersionID), Version: nonZero(int32(a.Version)), AcceptedAt: a.AcceptedAt}
}
