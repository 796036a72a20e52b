package safety

import (
	"strings"
	"testing"
)

// An agent with no reviewed table: only unmistakable reads are read-only.
func TestUnreviewed(t *testing.T) {
	for op, want := range map[string]Class{
		"GetContact":                               ReadOnly,
		"GetContactList":                           ReadOnly,
		"IsNickNameUnique":                         ReadOnly,
		"HasScreenChooser":                         ReadOnly,
		"FindRolesWithFunctionalRight":             ReadOnly,
		"CreateDefaultPersonEntity":                ReadOnly,
		"CreateDefaultUserFromUserTypeAndPersonId": ReadOnly,
		"GetAddressByPostalCode":                   ReadOnly, // "Add" only as a whole word
		"GetOrganizationNumber":                    ReadOnly, // "Or" only as a whole word
		"GetSettings":                              ReadOnly,
		"GetNextNumber":                            Destructive, // allocates a number
		"GetOrRegisterAccessGatewayInfo":           Destructive,
		"GetAndResetCounter":                       Destructive,
		"SaveContact":                              Destructive,
		"SendChangePasswordEMail":                  Destructive,
		"ExecuteUserCommand":                       Destructive,
		"Issue":                                    Destructive, // "Is" must be a word
		"Getaway":                                  Destructive,
		"DeleteContact":                            Destructive,
		"":                                         Destructive,
	} {
		if got := Unreviewed(op); got != want {
			t.Errorf("Unreviewed(%q) = %s, want %s", op, got, want)
		}
	}
}

func TestMaxAndCheck(t *testing.T) {
	if Max(ReadOnly, Mutating) != Mutating || Max(External, Destructive) != External || Max(ReadOnly, ReadOnly) != ReadOnly {
		t.Error("Max does not order read-only < mutating < destructive < external")
	}
	if err := Check("harmless"); err == nil || !strings.Contains(err.Error(), "want read-only, mutating, destructive or external") {
		t.Errorf("Check(harmless) = %v", err)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	_, err := Parse("t.yaml", []byte("agent: X\noperations:\n  GetA: read-only\n  SaveB: harmless\n"))
	if err == nil || !strings.Contains(err.Error(), "t.yaml:4: SaveB") {
		t.Errorf("err = %v, want t.yaml:4: SaveB …", err)
	}
	if _, err := Parse("t.yaml", []byte("operations: {}\n")); err == nil || !strings.Contains(err.Error(), "no agent") {
		t.Errorf("err = %v, want no agent", err)
	}
	if _, err := Parse("t.yaml", []byte("agent: X\nops: {}\n")); err == nil || !strings.Contains(err.Error(), "t.yaml") {
		t.Errorf("unknown key: err = %v", err)
	}
}
