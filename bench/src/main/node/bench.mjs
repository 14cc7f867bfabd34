// CPU per verify of one RS256 access token in Node.js, for NodeComparison (bench module): awslabs
// aws-jwt-verify's verifier (JwtVerifier, which JwtRsaVerifier aliases since 5.0, with the JWKS
// cached as a warm Lambda authorizer has it, and the typ check the README's recipe adds), against
// Node's bare crypto.verify of the same signature (key and bytes prepared once).
//
// stdin: {"token", "jwks", "issuer", "audience", "warmupSeconds", "rounds"}; stdout: one JSON line
// with each side's CPU microseconds per verify (process.cpuUsage: user + system, all threads),
// median and range over rounds of alternating 200 ms batches, as PairedRatios measures Java.
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JwtVerifier } from 'aws-jwt-verify';

const input = JSON.parse(readFileSync(0, 'utf8'));
const { token, jwks, issuer, audience } = input;

const verifier = JwtVerifier.create({
  issuer,
  audience,
  jwksUri: `${issuer}/.well-known/jwks.json`,
  customJwtCheck: ({ header }) => {
    if (header.typ !== 'at+jwt') {
      throw new Error(`typ must be at+jwt, was ${header.typ}`);
    }
  },
});
verifier.cacheJwks(jwks);

const [header, payload, signature] = token.split('.');
const signingInput = Buffer.from(`${header}.${payload}`, 'ascii');
const signatureBytes = Buffer.from(signature, 'base64url');
const publicKey = createPublicKey({ key: jwks.keys[0], format: 'jwk' });

const sides = {
  awsJwtVerify: () => verifier.verifySync(token),
  bareVerify: () => verify('sha256', signingInput, publicKey, signatureBytes),
};
if (!sides.bareVerify() || sides.awsJwtVerify().sub === undefined) {
  throw new Error('the token does not verify');
}

let sink = 0;
function batch(operation) {
  const cpuStart = process.cpuUsage();
  const end = process.hrtime.bigint() + 200_000_000n;
  let operations = 0;
  do {
    sink += operation() ? 1 : 0;
    operations++;
  } while (process.hrtime.bigint() < end);
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / operations;
}

const warmupEnd = Date.now() + input.warmupSeconds * 1000;
while (Date.now() < warmupEnd) {
  batch(sides.awsJwtVerify);
  batch(sides.bareVerify);
}
const perOp = { awsJwtVerify: [], bareVerify: [] };
for (let round = 0; round < input.rounds; round++) {
  perOp.awsJwtVerify.push(batch(sides.awsJwtVerify));
  perOp.bareVerify.push(batch(sides.bareVerify));
}
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
};
console.log(
  JSON.stringify({
    node: process.version,
    awsJwtVerify: summary(perOp.awsJwtVerify),
    bareVerify: summary(perOp.bareVerify),
    sink,
  }),
);
