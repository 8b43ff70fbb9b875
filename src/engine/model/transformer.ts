import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];
type Weight = ReturnType<tf.layers.Layer['addWeight']>;

/** Glorot-uniform initialization with a seed, so a seeded run builds the same weights every time. */
function glorot(seed: number) {
  return tf.initializers.glorotUniform({ seed });
}

/** Layer normalization over the last axis (no layer object: the block owns its gamma and beta). */
function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))), gamma), beta);
}

/** GELU, tanh approximation (TF.js's layers API has no GELU). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** `x·w + b` over the last axis of a [batch, time, width] tensor. */
function project(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [batch, time, width] = x.shape as [number, number, number];
  const out = tf.fused.matMul({ a: tf.reshape(x, [batch * time, width]), b: w, bias: b });
  return tf.reshape(out, [batch, time, w.shape[1]!]);
}

/** Learned position embeddings added to a [batch, sequence, width] input. */
export class PositionEmbedding extends tf.layers.Layer {
  static readonly className = 'PositionEmbedding';
  private table!: Weight;
  private readonly seed: number;

  constructor(args: LayerArgs & { seed?: number }) {
    super(args);
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, length, width] = inputShape as number[];
    this.table = this.addWeight('positions', [length!, width!], 'float32', glorot(this.seed));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.table.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

/** Settings of one encoder block. */
export interface EncoderBlockArgs {
  readonly heads: number;
  readonly ffDim: number;
  readonly seed?: number;
}

/**
 * One pre-norm transformer encoder block: `x + MultiHeadSelfAttention(LayerNorm(x))`, then
 * `x + FeedForward(LayerNorm(x))` with a GELU feed-forward layer. Its weights: the query, key, value and output
 * projections with biases (4·(d² + d)), two feed-forward layers (2·d·ff + ff + d) and two layer norms (4·d) — the
 * parameter count the config's memory prediction uses.
 */
export class TransformerEncoderBlock extends tf.layers.Layer {
  static readonly className = 'TransformerEncoderBlock';
  private readonly heads: number;
  private readonly ffDim: number;
  private readonly seed: number;
  private w: Record<string, Weight> = {};

  constructor(args: LayerArgs & EncoderBlockArgs) {
    super(args);
    this.heads = args.heads;
    this.ffDim = args.ffDim;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as number[])[2]!;
    if (d % this.heads !== 0) throw new Error(`model.heads (${this.heads}) must divide model.d_model (${d})`);
    const matrix = (name: string, rows: number, cols: number, offset: number) =>
      (this.w[name] = this.addWeight(name, [rows, cols], 'float32', glorot(this.seed + offset)));
    const vector = (name: string, size: number, value: 0 | 1) =>
      (this.w[name] = this.addWeight(
        name,
        [size],
        'float32',
        value ? tf.initializers.ones() : tf.initializers.zeros(),
      ));
    ['query', 'key', 'value', 'output'].forEach((name, i) => {
      matrix(name, d, d, i);
      vector(`${name}_bias`, d, 0);
    });
    matrix('ff_in', d, this.ffDim, 4);
    vector('ff_in_bias', this.ffDim, 0);
    matrix('ff_out', this.ffDim, d, 5);
    vector('ff_out_bias', d, 0);
    vector('norm1_gamma', d, 1);
    vector('norm1_beta', d, 0);
    vector('norm2_gamma', d, 1);
    vector('norm2_beta', d, 0);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const r = (name: string) => this.w[name]!.read();
      const [batch, time, d] = x.shape as [number, number, number];
      const dh = d / this.heads;
      const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [batch, time, this.heads, dh]), [0, 2, 1, 3]);

      const normed = layerNorm(x, r('norm1_gamma'), r('norm1_beta'));
      const q = heads(project(normed, r('query'), r('query_bias')));
      const k = heads(project(normed, r('key'), r('key_bias')));
      const v = heads(project(normed, r('value'), r('value_bias')));
      const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
      const context = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [batch, time, d]);
      const attended = tf.add(x, project(context, r('output'), r('output_bias')));

      const normed2 = layerNorm(attended, r('norm2_gamma'), r('norm2_beta'));
      const hidden = gelu(project(normed2, r('ff_in'), r('ff_in_bias')));
      return tf.add(attended, project(hidden, r('ff_out'), r('ff_out_bias')));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, ffDim: this.ffDim, seed: this.seed };
  }
}

// Registered so that saved models with these layers load again (tf.loadLayersModel looks classes up by name).
tf.serialization.registerClass(PositionEmbedding);
tf.serialization.registerClass(TransformerEncoderBlock);

/** What the transformer preset is made of (from the config's model section). */
export interface TransformerSpec {
  readonly sequenceLength: number;
  readonly vocabSize: number;
  readonly dModel: number;
  readonly heads: number;
  readonly ffDim: number;
  readonly layers: number;
  readonly outputs: number;
  readonly headActivation: 'softmax' | 'sigmoid' | 'linear';
  readonly seed: number;
}

/**
 * The transformer preset: token embedding, learned positions, `layers` encoder blocks, mean pooling over the
 * sequence and a dense head. Inputs are token ids in [0, vocab_size).
 */
export function buildTransformer(spec: TransformerSpec): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.embedding({
      inputDim: spec.vocabSize,
      outputDim: spec.dModel,
      inputShape: [spec.sequenceLength],
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: spec.seed }),
    }),
  );
  model.add(new PositionEmbedding({ seed: spec.seed + 1 }));
  for (let i = 0; i < spec.layers; i++)
    model.add(new TransformerEncoderBlock({ heads: spec.heads, ffDim: spec.ffDim, seed: spec.seed + 10 * (i + 1) }));
  model.add(tf.layers.globalAveragePooling1d({}));
  model.add(
    tf.layers.dense({
      units: spec.outputs,
      activation: spec.headActivation,
      kernelInitializer: glorot(spec.seed + 7),
    }),
  );
  return model;
}
