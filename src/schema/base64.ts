const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes base64 text in the standard alphabet (padded) or the URL-safe one (unpadded),
 * ignoring whitespace; undefined when the text is neither. Node's own decoder skips what it
 * does not understand, which would turn a typo into silently wrong bytes.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (STANDARD.test(compact)) return Buffer.from(compact, 'base64');
  if (URL_SAFE.test(compact)) return Buffer.from(compact, 'base64url');
  return undefined;
}
