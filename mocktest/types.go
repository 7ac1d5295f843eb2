package mocktest

import "github.com/gitpod-mock/orgmock/server"

// The server's types a test meets, so that one import is enough.
type (
	Options           = server.Options
	Mode              = server.Mode
	FaultSpec         = server.FaultSpec
	Faults            = server.Faults
	FaultStatus       = server.FaultStatus
	JournalEntry      = server.JournalEntry
	Requests          = server.Requests
	Coverage          = server.Coverage
	OperationCoverage = server.OperationCoverage
	StatusCoverage    = server.StatusCoverage
	Clock             = server.Clock
	ClockMove         = server.ClockMove
	SessionInfo       = server.SessionInfo
	DNSRecords        = server.DNSRecords
	DNSRecord         = server.DNSRecord
	DNSChange         = server.DNSChange
)

// The modes of WithMode.
const (
	ModeStateful = server.ModeStateful
	ModeExamples = server.ModeExamples
)

// SessionHeader names the session a request belongs to.
const SessionHeader = server.SessionHeader
