export { HttpClient, USER_AGENT, closeHttpAgents, parseJson, parseRetryAfter, rateLimitWait, type HttpClientOptions, type HttpRequest, type HttpResponse } from './client.js';
export { BlockedAddressError, HttpError, MalformedResponseError, describeUrl } from './errors.js';
export { blockedReason, embeddedIPv4, type BlockReason } from './address.js';
export { checkAddress, guardedLookup, PRIVATE_NETWORKS, type ResolveHost } from './guard.js';
export { postOnce, type OutboundAnswer, type OutboundPost } from './outbound.js';
export { decodeBody, httpCharset, xmlDeclaredCharset, type CharsetSource, type Decoding } from './charset.js';
