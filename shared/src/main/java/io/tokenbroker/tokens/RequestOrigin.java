package io.tokenbroker.tokens;

/** Where a request came from, for the issuance record and the logs. */
public record RequestOrigin(String sourceIp, String userAgent) {}
