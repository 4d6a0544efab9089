// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

// Command signet is Signet's single binary: both roles (the Identity
// Center and the Workspace), the demo, migrations and the operator's
// commands. It only hands the command line to internal/app.Run.
package main
