// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X .../internal/app.version=v1.2.3".
var version = ""

// versionString is version, or the module version and VCS revision.
func versionString() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok {
		v = info.Main.Version
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return fmt.Sprintf("signet %s %s %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func runVersion(_ context.Context, io IO, args []string) error {
	fs := newFlagSet("version", "", io.Stderr)
	if err := parseFlags(fs, args, io.Env); err != nil {
		return err
	}
	fmt.Fprintln(io.Stdout, versionString())
	return nil
}
