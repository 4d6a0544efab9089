// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package scim

// The discovery resources (RFC 7644 §4) of a SCIM service at base (its
// URL, without a trailing slash).

// ServiceProviderConfig says what the service supports: PATCH, filters
// (up to MaxResults per page), bearer tokens; no bulk, sorting, ETags as
// preconditions or password changes.
func ServiceProviderConfig(base string, maxResults int) map[string]any {
	no := map[string]any{"supported": false}
	return map[string]any{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://github.com/signet-sso/signet/blob/main/docs/INTEGRATION.md",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": maxResults},
		"changePassword":   no,
		"sort":             no,
		"etag":             no,
		"authenticationSchemes": []map[string]any{{"type": "oauthbearertoken", "name": "Bearer token",
			"description": "The organization's SCIM token, from its Single Sign-On Settings (Directory sync)", "primary": true}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": base + "/ServiceProviderConfig"},
	}
}

// ResourceTypes lists User and Group.
func ResourceTypes(base string) map[string]any {
	types := []map[string]any{
		{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}, "id": "User", "name": "User",
			"endpoint": "/Users", "schema": SchemaUser, "meta": map[string]any{"resourceType": "ResourceType", "location": base + "/ResourceTypes/User"}},
		{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}, "id": "Group", "name": "Group",
			"endpoint": "/Groups", "schema": SchemaGroup, "meta": map[string]any{"resourceType": "ResourceType", "location": base + "/ResourceTypes/Group"}},
	}
	return list(types)
}

func list(items []map[string]any) map[string]any {
	return map[string]any{"schemas": []string{SchemaList}, "totalResults": len(items), "startIndex": 1,
		"itemsPerPage": len(items), "Resources": items}
}

func attr(name, typ string, multi, required bool, sub ...map[string]any) map[string]any {
	a := map[string]any{"name": name, "type": typ, "multiValued": multi, "required": required, "caseExact": false,
		"mutability": "readWrite", "returned": "default", "uniqueness": "none"}
	if len(sub) > 0 {
		a["subAttributes"] = sub
	}
	return a
}

// Schemas describes the attributes the service keeps of each resource.
func Schemas(base string) map[string]any {
	user := map[string]any{"id": SchemaUser, "name": "User", "description": "A person of the organization",
		"attributes": []map[string]any{
			attr("userName", "string", false, true), attr("externalId", "string", false, false),
			attr("displayName", "string", false, false), attr("active", "boolean", false, false),
			attr("name", "complex", false, false, attr("givenName", "string", false, false), attr("familyName", "string", false, false)),
			attr("emails", "complex", true, false, attr("value", "string", false, true), attr("type", "string", false, false),
				attr("primary", "boolean", false, false)),
			attr("groups", "complex", true, false, attr("value", "string", false, false), attr("display", "string", false, false)),
		},
		"meta": map[string]any{"resourceType": "Schema", "location": base + "/Schemas/" + SchemaUser}}
	group := map[string]any{"id": SchemaGroup, "name": "Group", "description": "A group of the organization's people",
		"attributes": []map[string]any{
			attr("displayName", "string", false, true), attr("externalId", "string", false, false),
			attr("members", "complex", true, false, attr("value", "string", false, false), attr("display", "string", false, false)),
		},
		"meta": map[string]any{"resourceType": "Schema", "location": base + "/Schemas/" + SchemaGroup}}
	return list([]map[string]any{user, group})
}
