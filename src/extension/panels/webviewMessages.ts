import type { WebviewToHostMessage } from '../../protocol/webview';

/**
 * Validates a message posted by a webview. Webview content is untrusted: anything that is not exactly one of the
 * protocol's messages is rejected (and logged by the caller), never acted upon.
 */
export function parseWebviewMessage(value: unknown): WebviewToHostMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const type = (value as { type?: unknown }).type;
  if (keys.length !== 1) return undefined;
  switch (type) {
    case 'ready':
    case 'environment/refresh':
      return { type };
    default:
      return undefined;
  }
}
