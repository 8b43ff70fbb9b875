import type { WebviewToHostMessage } from '../../protocol/webview';

/** Finding ids are kebab-case words (`input-bound`); anything else is not one of ours. */
const FINDING_ID = /^[a-z][a-z0-9-]{0,63}$/;
/** The largest rank a job may have (far above any real world size; a bound, so no huge number is looked up). */
const MAX_RANK = 1 << 20;

/**
 * Validates a message posted by a webview. Webview content is untrusted: anything that is not exactly one of the
 * protocol's messages (no extra keys, the right types) is rejected (and logged by the caller), never acted upon.
 */
export function parseWebviewMessage(value: unknown): WebviewToHostMessage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort().join(',');
  switch (record['type']) {
    case 'ready':
    case 'environment/refresh':
    case 'run/stop':
    case 'tune/apply':
    case 'tune/cancel':
    case 'onnx/profile':
    case 'onnx/optimize':
      return keys === 'type' ? { type: record['type'] } : undefined;
    case 'tune/copy': {
      const { language } = record;
      if (keys !== 'language,type' || (language !== 'javascript' && language !== 'python')) return undefined;
      return { type: 'tune/copy', language };
    }
    case 'finding/copy': {
      const { findingId, language } = record;
      if (keys !== 'findingId,language,type' || typeof findingId !== 'string') return undefined;
      if (language !== 'javascript' && language !== 'python') return undefined;
      return FINDING_ID.test(findingId) ? { type: 'finding/copy', findingId, language } : undefined;
    }
    case 'finding/apply': {
      const { findingId, rerun } = record;
      if (keys !== 'findingId,rerun,type' || typeof findingId !== 'string' || typeof rerun !== 'boolean')
        return undefined;
      return FINDING_ID.test(findingId) ? { type: 'finding/apply', findingId, rerun } : undefined;
    }
    case 'distributed/openRank': {
      const { rank } = record;
      if (keys !== 'rank,type' || typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0 || rank > MAX_RANK)
        return undefined;
      return { type: 'distributed/openRank', rank };
    }
    default:
      return undefined;
  }
}
