package orgmock_test

import (
	"os"
	"testing"

	"github.com/gitpod-mock/orgmock/internal/logaudit"
)

// TestMain fails the package if any secret seen by its tests reached a log line.
func TestMain(m *testing.M) { os.Exit(logaudit.Run(m)) }
