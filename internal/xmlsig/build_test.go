// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package xmlsig_test

import (
	"testing"

	"github.com/signet-sso/signet/internal/xmlsig"
)

// TestBuilderResolvesNamesAsItBuilds: what the builder just made is found
// by namespace name at once (a Signature must go after the Issuer, found by
// Child), whether the prefix is declared on an ancestor, on the element
// itself after it was made, or on a detached element added later.
func TestBuilderResolvesNamesAsItBuilds(t *testing.T) {
	const nsP, nsA = "urn:oasis:names:tc:SAML:2.0:protocol", "urn:oasis:names:tc:SAML:2.0:assertion"
	resp := xmlsig.NewElement("samlp:Response")
	resp.CreateAttr("xmlns:samlp", nsP).CreateAttr("xmlns:saml", nsA)
	issuer := resp.CreateElement("saml:Issuer")
	a := xmlsig.NewElement("saml:Assertion").CreateAttr("xmlns:saml", nsA)
	resp.AddChild(a)
	typed := a.CreateElement("saml:AttributeValue").CreateAttr("xmlns:xsi", "urn:xsi").CreateAttr("xsi:type", "xs:string")
	bare := xmlsig.NewElement("saml:Conditions") // declared by its new parent
	a.AddChild(bare)

	if !resp.Is(nsP, "Response") || resp.Child(nsA, "Issuer") != issuer || resp.Child(nsA, "Assertion") != a ||
		a.Child(nsA, "Conditions") != bare {
		t.Errorf("built elements are not found by namespace: resp %q, issuer %q, assertion %q, conditions %q",
			resp.NS, issuer.NS, a.NS, bare.NS)
	}
	if at := typed.Attr("type"); at != nil || typed.Attrs[0].NS != "urn:xsi" {
		t.Errorf("xsi:type resolved to %q", typed.Attrs[0].NS)
	}
}
