// A module outside the project that uses mocktest as a user would; TestOutsideModule copies it
// to a temporary directory, points the replace at this checkout, and runs its tests.
module example.com/outside

go 1.26

require github.com/gitpod-mock/orgmock v0.0.0

replace github.com/gitpod-mock/orgmock => ../../..
