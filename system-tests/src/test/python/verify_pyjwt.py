"""The resource-server recipe for Python (PyJWT 2.x), as README gives it, run by system-tests'
InteropIT against the local server: python3 verify_pyjwt.py ISSUER AUDIENCE < token
Prints {"ok": true, "sub", "scope"} and exits 0 for an accepted token; {"ok": false, "error"} and
exits 1 for a refused one."""
import json
import sys

import jwt  # PyJWT 2.x with cryptography: pip install 'pyjwt[crypto]'


# --- recipe: PyJWT ------------------------------------------------------------------------------
def broker_verifier(issuer, audience):
    jwks = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cache_keys=True)

    def verify(token):
        key = jwks.get_signing_key_from_jwt(token)
        verified = jwt.api_jwt.decode_complete(  # the header too, for typ
            token,
            key.key,
            algorithms=["RS256", "ES256"],
            issuer=issuer,
            audience=audience,
            options={"require": ["exp", "iat", "sub", "client_id", "jti"]},
        )
        # PyJWT does not check typ: any other kind of JWT signed by the same keys would pass.
        # The header is signed, so check it after the signature.
        if verified["header"].get("typ") != "at+jwt":
            raise jwt.InvalidTokenError("typ must be at+jwt")
        # PyJWT 2.x; 2.10.0 had CVE-2024-53861 (a string issuer matched as a substring): the
        # explicit check covers it.
        if verified["payload"].get("iss") != issuer:
            raise jwt.InvalidIssuerError("iss is not this broker")
        return verified["payload"]

    return verify


if __name__ == "__main__":
    issuer, audience = sys.argv[1], sys.argv[2]
    token = sys.stdin.read().strip()
    try:
        claims = broker_verifier(issuer, audience)(token)
    except jwt.PyJWTError as error:
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))
        sys.exit(1)
    print(json.dumps({"ok": True, "sub": claims["sub"], "scope": claims["scope"]}))
