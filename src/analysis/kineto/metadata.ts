/** What a Kineto trace's metadata says about where it ran: devices (deviceProperties) and the distributed job. */
import type { Profile, ProfileDevice } from '../profile';

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
        id: typeof d['id'] === 'number' ? d['id'] : index,
        name: typeof d['name'] === 'string' ? d['name'] : 'unknown device',
        ...(typeof d['totalGlobalMem'] === 'number' ? { memoryBytes: d['totalGlobalMem'] } : {}),
        ...(typeof major === 'number' && typeof minor === 'number' ? { computeCapability: `${major}.${minor}` } : {}),
        ...(typeof d['numSms'] === 'number' ? { multiprocessors: d['numSms'] } : {}),
      },
    ];
  });
}

/** Rank, world size and backend from Kineto's `distributedInfo`, when the trace has it. */
export function distributedOf(metadata: Readonly<Record<string, unknown>>): Pick<Profile, 'distributed'> {
  const info = metadata['distributedInfo'];
  if (!info || typeof info !== 'object') return {};
  const d = info as Record<string, unknown>;
  if (typeof d['rank'] !== 'number' || typeof d['world_size'] !== 'number') return {};
  return {
    distributed: {
      rank: d['rank'],
      worldSize: d['world_size'],
      ...(typeof d['backend'] === 'string' ? { backend: d['backend'] } : {}),
    },
  };
}
