/**
 * Secret values are only ever compared. Each run makes a random HMAC key that lives in
 * memory only; a value is turned into an opaque digest as soon as it is read and the value
 * is dropped. A digest can be compared with another of the same run and nothing else: it has
 * no enumerable fields, prints as "[secret]" and serialises to "[secret]", so it cannot leak
 * into a report, a log or a cache by accident.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';

export class SecretDigest {
  readonly #bytes: Buffer;
  readonly #run: symbol;
  constructor(bytes: Buffer, run: symbol) {
    this.#bytes = bytes;
    this.#run = run;
  }
  /** Same value? Digests of different runs never compare equal. */
  equals(other: SecretDigest): boolean {
    return this.#run === other.#run && timingSafeEqual(this.#bytes, other.#bytes);
  }
  toJSON(): string {
    return '[secret]';
  }
  toString(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

export class SecretHasher {
  readonly #key = randomBytes(32);
  readonly #run = Symbol('keydrift-run');
  digest(value: Buffer | string): SecretDigest {
    return new SecretDigest(createHmac('sha256', this.#key).update(value).digest(), this.#run);
  }
  /** Digest of a base64 `data` value (a Secret's wire form). */
  digestBase64(b64: string): SecretDigest {
    return this.digest(Buffer.from(String(b64), 'base64'));
  }
}
