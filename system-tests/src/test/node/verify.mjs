// Resource-server recipes for Node, as README gives them, run against the local server by
// system-tests' ResourceServerRecipesIT: node verify.mjs <jose|aws-jwt-verify> ISSUER AUDIENCE < token
// Prints {"ok": true, "sub", "scope"} and exits 0 for an accepted token; {"ok": false, "error"} and
// exits 1 for a refused one.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

// --- recipe: jose -------------------------------------------------------------------------------
function joseVerifier(issuer, audience) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return async (token) => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer,
      audience,
      typ: 'at+jwt', // RFC 9068 access tokens; jose compares it as a media type
      algorithms: ['RS256', 'ES256'],
      requiredClaims: ['exp', 'iat', 'sub', 'client_id', 'jti'],
    });
    return payload;
  };
}

// --- recipe: aws-jwt-verify ---------------------------------------------------------------------
function awsJwtVerifier(issuer, audience, jwksCache) {
  const verifier = JwtVerifier.create(
    {
      issuer,
      audience,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      // aws-jwt-verify does not look at typ: check it here, or any other kind of JWT signed by
      // the same keys would pass.
      customJwtCheck: ({ header }) => {
        if (header.typ !== 'at+jwt') {
          throw new Error(`typ must be at+jwt, was ${header.typ}`);
        }
      },
    },
    jwksCache ? { jwksCache } : undefined,
  );
  return (token) => verifier.verify(token);
}

// aws-jwt-verify fetches JWKS over https only; the local server speaks http on loopback, so the
// test hands it a cache whose fetcher uses Node's fetch. A deployed broker (https) needs none.
const httpJwksCache = new SimpleJwksCache({
  fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() },
});

const [library, issuer, audience] = process.argv.slice(2);
const token = (await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
})).trim();
const verify =
  library === 'jose'
    ? joseVerifier(issuer, audience)
    : library === 'aws-jwt-verify'
      ? awsJwtVerifier(issuer, audience, issuer.startsWith('http://') ? httpJwksCache : undefined)
      : null;
if (!verify) {
  console.log(JSON.stringify({ ok: false, error: `unknown library ${library}` }));
  process.exit(2);
}
try {
  const payload = await verify(token);
  console.log(JSON.stringify({ ok: true, sub: payload.sub, scope: payload.scope }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: `${err.code ?? err.name}: ${err.message}` }));
  process.exit(1);
}
