package store_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/server/store"
)

// SCIM configurations hold references to SSO configurations: an SSO configuration linked by a
// SCIM configuration cannot be deleted until the link is gone.
func TestDeleteSSOLinkedBySCIM(t *testing.T) {
	tests := []struct {
		name       string
		given      func(t *testing.T, st *store.Store)
		whenCaller string
		whenID     string
		expectKind error
		expectMsg  string
	}{
		{
			name:       "linked by the fixture SCIM configuration",
			given:      func(t *testing.T, st *store.Store) {},
			whenCaller: orgA, whenID: ssoA1,
			expectKind: store.ErrFailedPrecondition,
			expectMsg:  "ssoConfigurationId: SSO configuration " + ssoA1 + " is linked by SCIM configuration " + scimA + "; delete that or link it elsewhere first",
		},
		{
			name:       "not linked",
			given:      func(t *testing.T, st *store.Store) {},
			whenCaller: orgA, whenID: ssoA2,
		},
		{
			name: "linked after an update",
			given: func(t *testing.T, st *store.Store) {
				_, err := st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: scimA, SSOConfigurationID: ptr(ssoA2)})
				checkErr(t, err, nil, "")
			},
			whenCaller: orgA, whenID: ssoA2,
			expectKind: store.ErrFailedPrecondition,
			expectMsg:  "ssoConfigurationId: SSO configuration " + ssoA2 + " is linked by SCIM configuration " + scimA + "; delete that or link it elsewhere first",
		},
		{
			name: "unlinked by an update",
			given: func(t *testing.T, st *store.Store) {
				_, err := st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: scimA, SSOConfigurationID: ptr(ssoA2)})
				checkErr(t, err, nil, "")
			},
			whenCaller: orgA, whenID: ssoA1,
		},
		{
			name: "unlinked by a delete",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.DeleteSCIM(as(orgA), scimA), nil, "")
			},
			whenCaller: orgA, whenID: ssoA1,
		},
		{
			name:       "another organization's",
			given:      func(t *testing.T, st *store.Store) {},
			whenCaller: orgA, whenID: ssoB1,
			expectKind: store.ErrNotFound,
			expectMsg:  msgSSONotFound(ssoB1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			tt.given(t, st)
			before := st.Snapshot()
			err := st.DeleteSSO(as(tt.whenCaller), tt.whenID)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				checkUnchanged(t, st, before)
				return
			}
			// Gone: a SCIM configuration can no longer link it.
			_, err = st.CreateSCIM(as(tt.whenCaller), store.SCIMCreate{OrganizationID: tt.whenCaller, SSOConfigurationID: tt.whenID})
			checkErr(t, err, store.ErrNotFound, msgSSONotFound(tt.whenID))
		})
	}
}

func TestListSSOOtherOrganization(t *testing.T) {
	st, _ := newStore(t)
	_, _, err := st.ListSSO(as(orgA), orgB, store.PageRequest{})
	checkErr(t, err, store.ErrPermissionDenied, "organizationId: the caller is not a member of organization "+orgB)
	items, next, err := st.ListSSO(as(orgA), orgA, store.PageRequest{})
	checkErr(t, err, nil, "")
	if len(items) != 2 || items[0].ID != ssoA1 || items[1].ID != ssoA2 || next != "" {
		t.Fatalf("ListSSO(acme) = %v, %q", items, next)
	}
}
