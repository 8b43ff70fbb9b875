import manifest from '../../package.json';

/** The TrainLens version, from the extension manifest (the bundler inlines it). */
export const TRAINLENS_VERSION: string = manifest.version;
