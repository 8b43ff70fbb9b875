import { readTrace } from '../../src/analysis/ingest/traceReader';
import { KinetoProfileBuilder } from '../../src/analysis/kineto/kineto';
async function main() {
  for (const name of ['hta_alexnet_a100','hta_nccl_2ranks_a100','hta_ns_resolution_v100','hta_sampled_rank0_ws128','hta_sampled_rank1_ws128','hta_minitoy_mi250_rocm','hta_compare_base','hta_cpu_only_rank34']) {
    const file = `/work/shared/data/traces/${name}.json.gz`;
    const b = new KinetoProfileBuilder();
    const t = performance.now();
    const doc = await readTrace(file, { onEvent: (e) => b.add(e) });
    const p = b.build(file, doc.metadata, doc.bytes);
    const n = p.steps.length;
    const total = p.steps.reduce((a, s) => a + (s.endUs - s.startUs), 0);
    const cats = p.categories.map((c) => `${c} ${(100 * p.steps.reduce((a, s) => a + s.breakdown[c]!, 0) / total).toFixed(2)}`).join(' | ');
    console.log(`${name}: steps ${p.steps.map(s=>s.name).join(',')} avg ${(total / n).toFixed(0)} | ${cats} | util ${p.gpuUtilization !== undefined ? (100*p.gpuUtilization).toFixed(2) : '-'} (${(performance.now()-t).toFixed(0)} ms)`);
  }
}
void main();
