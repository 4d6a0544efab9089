// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package samltest

import (
	"crypto"

	"github.com/signet-sso/signet/internal/saml"
)

func digestHash(uri string) crypto.Hash {
	switch uri {
	case saml.DigestSHA1:
		return crypto.SHA1
	case saml.DigestSHA512:
		return crypto.SHA512
	}
	return crypto.SHA256
}
