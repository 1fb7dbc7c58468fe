/** The `details` of a `Status` object: the resource a failed request was about (`kind` is the plural resource name). */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

/** A non-2xx answer from the API server, with the fields of its `Status` object. */
export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  constructor(
    readonly code: number,
    readonly reason: string | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /**
   * The resource as the API server names it — `deployments.apps`, `configmaps` (core) — from
   * the Status details, else from `fallback` (the apiVersion and kind keydrift asked for).
   */
  resource(fallback?: { apiVersion: string; kind: string }): string {
    if (this.details?.kind) return `${this.details.kind}${this.details.group ? '.' + this.details.group : ''}`;
    if (!fallback) return 'the resource';
    const group = fallback.apiVersion.includes('/') ? fallback.apiVersion.split('/')[0] : '';
    return `${fallback.kind.toLowerCase()}s${group ? '.' + group : ''}`;
  }
}

/** A list keydrift could not read: the resource as the server names it, where, and the server's own words. */
export interface Unreadable {
  kind: string;
  namespace?: string;
  /** `deployments.apps`, `secrets` — set when the server said why (403/404). */
  resource?: string;
  code?: number;
  message?: string;
}
