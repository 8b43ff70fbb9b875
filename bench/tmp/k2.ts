import { readTrace } from '../../src/analysis/ingest/traceReader';
import { KinetoProfileBuilder } from '../../src/analysis/kineto/kineto';
void (async () => {
  const b = new KinetoProfileBuilder(); const f = 'test/fixtures/traces/hta_nccl_2ranks_a100.json.gz';
  const d = await readTrace(f, { onEvent: (e) => b.add(e) }); const p = b.build(f, d.metadata, d.bytes);
  console.log(p.devices.length, p.distributed, p.kernels.slice(0,3).map(k=>k.name.slice(0,60)), p.kernels.filter(k=>/nccl/i.test(k.name)).length, p.operators.filter(o=>/nccl/.test(o.name)).map(o=>o.name), p.launches);
})();
