// openid-client 6 (an OpenID Certified relying party) as a host app for
// Signet's interop tests: discovery, PKCE, the code exchange, ID-token
// validation and userinfo are all openid-client's.
//   node openid_rp.mjs ISSUER CLIENT_ID CLIENT_SECRET PORT ORGANIZATION
import * as client from "openid-client";
import http from "node:http";

const [issuer, clientId, clientSecret, port, organization] = process.argv.slice(2);
const redirectUri = `http://127.0.0.1:${port}/callback`;
// Signet serves plain http on the test machine; openid-client refuses that
// unless told to.
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined,
  { execute: [client.allowInsecureRequests] });
const flows = new Map();

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`);
  try {
    if (url.pathname === "/health") return res.end("ok");
    if (url.pathname === "/login") {
      const flow = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
      flows.set(flow.state, flow);
      const to = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: "openid email profile", state: flow.state, nonce: flow.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier), code_challenge_method: "S256",
        organization,
      });
      res.writeHead(302, { Location: to.href });
      return res.end();
    }
    if (url.pathname === "/callback") {
      const flow = flows.get(url.searchParams.get("state"));
      if (!flow) { res.writeHead(400); return res.end("unknown state"); }
      const tokens = await client.authorizationCodeGrant(config, url,
        { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
      const claims = tokens.claims();
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ claims, userinfo }));
    }
    res.writeHead(404);
    res.end();
  } catch (e) {
    res.writeHead(502);
    res.end("REJECTED: " + (e && (e.code ? e.code + " " : "") + e.message || e));
  }
}).listen(Number(port), "127.0.0.1");
