// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// storeWrite names the store methods that change stored data.
var storeWrite = regexp.MustCompile(`^(Create|Update|Delete|Set|Add|Remove|Consume|Join|Assign|Unassign|Record|Save|Put|Revoke|Mark|Rotate|Activate|Touch|Complete)([A-Z]|$)`)

// TestWritesGoThroughServices keeps the layering of docs/ARCHITECTURE.md:
// the web handlers (internal/sp, internal/idp outside their services) and
// the CLI (this package) may read the store to show things, but every
// change goes through a service, which checks the rules and audits it.
func TestWritesGoThroughServices(t *testing.T) {
	// How each package's edge reaches the store directly: the CLI through
	// its env's store, the handlers through their service's Store.
	for dir, direct := range map[string]*regexp.Regexp{
		".":      regexp.MustCompile(`(^|\.)(store|st|Store)$`),
		"../sp":  regexp.MustCompile(`\.Svc\.Store$`),
		"../idp": regexp.MustCompile(`\.Svc\.Store$`),
	} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !storeWrite.MatchString(sel.Sel.Name) {
					return true
				}
				if recv := exprString(sel.X); direct.MatchString(recv) {
					t.Errorf("%s: %s.%s writes to the store past the services", fset.Position(call.Pos()), recv, sel.Sel.Name)
				}
				return true
			})
		}
	}
}

// exprString prints a selector chain such as h.Svc.Store.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return ""
}
