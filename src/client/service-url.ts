import { DanubeError } from './errors.js';

/** A broker address as the client dials it. */
export interface BrokerEndpoint {
  /** The URL as given, normalised without a trailing slash (`http://host:6650`). */
  readonly url: string;
  /** `host:port`, what grpc-js dials (it cannot resolve a URL with a scheme). */
  readonly address: string;
  /** `true` for `https://` (TLS), `false` for `http://`. */
  readonly secure: boolean;
}

const DEFAULT_PORT = 6650;

/**
 * Parses a Danube service or broker URL (`http://host:6650`, `https://host:6650`).
 * A bare `host:port` (as a lookup may answer) is accepted as plain text, or as TLS when
 * `defaultSecure` is set.
 *
 * @throws DanubeError kind `config` for anything that is not an http(s) URL with a host.
 */
export function parseServiceUrl(raw: string, defaultSecure = false): BrokerEndpoint {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
    ? text
    : `${defaultSecure ? 'https' : 'http'}://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (cause) {
    throw new DanubeError(`invalid Danube service URL "${raw}": expected http://host:port`, {
      kind: 'config',
      cause,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DanubeError(
      `invalid Danube service URL "${raw}": scheme must be http:// or https://, not ${parsed.protocol}//`,
      { kind: 'config' },
    );
  }
  if (parsed.hostname === '') {
    throw new DanubeError(`invalid Danube service URL "${raw}": no host`, { kind: 'config' });
  }
  const secure = parsed.protocol === 'https:';
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  // URL keeps IPv6 hosts in brackets, which is also what grpc-js expects.
  const address = `${parsed.hostname}:${port}`;
  return { url: `${parsed.protocol}//${address}`, address, secure };
}
