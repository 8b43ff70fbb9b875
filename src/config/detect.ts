/** File names that are TrainLens configs whatever their content. */
export const CONFIG_FILE_PATTERNS = ['*.trainlens.yaml', '*.trainlens.yml', 'trainlens.yaml', 'trainlens.yml'] as const;

const NAME = /(^|[\\/])(trainlens|[^\\/]+\.trainlens)\.ya?ml$/;
const MODELINE = /^#\s*yaml-language-server:\s*\$schema=\S*trainlens\.schema\.json\s*$/;

/**
 * Whether a YAML document is a TrainLens training config: its name matches {@link CONFIG_FILE_PATTERNS}, or its
 * first line is a schema modeline pointing at the TrainLens schema (`# yaml-language-server: $schema=…/trainlens.schema.json`).
 */
export function isTrainLensConfig(fileName: string, text: string): boolean {
  if (NAME.test(fileName)) return true;
  const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length).trim();
  return MODELINE.test(firstLine);
}
