package prepare

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version of conform, reported by `conform version` and in every manifest.
// A release build sets it (scripts/build-static, the Dockerfile):
//
//	-ldflags "-X github.com/conform-dev/conform/internal/prepare.Version=0.3.0"
//
// `go install …@vX.Y.Z` records the module version instead, which wins over
// this default.
var Version = "0.3.0-dev"

// commitStamp is the VCS revision a build was stamped with
// (-X github.com/conform-dev/conform/internal/prepare.commitStamp=SHA), for
// builds where Go does not record it (-buildvcs=false, no .git).
var commitStamp string

// Commit is the VCS revision conform was built from: the stamp, else what
// Go recorded ("+dirty" for a modified tree), else "unknown".
func Commit() string {
	if commitStamp != "" {
		return commitStamp
	}
	rev, dirty := "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	switch {
	case rev == "":
		return "unknown"
	case dirty:
		return rev + "+dirty"
	}
	return rev
}

// version is Version, or the module version `go install` recorded.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && strings.HasPrefix(bi.Main.Version, "v") && Version == "0.3.0-dev" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return Version
}

// VersionString is what `conform version` prints.
func VersionString() string {
	return fmt.Sprintf("conform %s (commit %s, %s, %s/%s)", version(), Commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
