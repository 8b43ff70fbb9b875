/** What a Kineto trace's metadata says about where it ran: devices (deviceProperties) and the distributed job. */
import type { Profile, ProfileDevice } from '../profile';

/** A finite number (JSON's `1e400` parses to Infinity: such a value is left out, not printed). */
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The devices of Kineto's `deviceProperties`: name, memory, compute capability, SM count. */
export function devicesOf(metadata: Readonly<Record<string, unknown>>): ProfileDevice[] {
  const list = metadata['deviceProperties'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw: unknown, index) => {
    if (!raw || typeof raw !== 'object') return [];
    const d = raw as Record<string, unknown>;
    const major = d['computeMajor'];
    const minor = d['computeMinor'];
    return [
      {
        id: isNumber(d['id']) ? d['id'] : index,
        name: typeof d['name'] === 'string' ? d['name'] : 'unknown device',
        ...(isNumber(d['totalGlobalMem']) ? { memoryBytes: d['totalGlobalMem'] } : {}),
        ...(isNumber(major) && isNumber(minor) ? { computeCapability: `${major}.${minor}` } : {}),
        ...(isNumber(d['numSms']) ? { multiprocessors: d['numSms'] } : {}),
      },
    ];
  });
}

/** Rank, world size and backend from Kineto's `distributedInfo`, when the trace has it. */
export function distributedOf(metadata: Readonly<Record<string, unknown>>): Pick<Profile, 'distributed'> {
  const info = metadata['distributedInfo'];
  if (!info || typeof info !== 'object') return {};
  const d = info as Record<string, unknown>;
  if (!isNumber(d['rank']) || !isNumber(d['world_size'])) return {};
  return {
    distributed: {
      rank: d['rank'],
      worldSize: d['world_size'],
      ...(typeof d['backend'] === 'string' ? { backend: d['backend'] } : {}),
    },
  };
}
