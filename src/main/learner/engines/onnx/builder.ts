import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
/** Opset 17: every operator used here (Conv, MaxPool, Gemm, Unsqueeze with an axes input…) has its current form. */
const OPSET = 17;
/** IR version 8 (what onnx-proto's schema describes); ONNX Runtime 1.31 reads it. */
const IR_VERSION = 8;

/** A dimension: a fixed size, or a name for a size chosen at run time (the batch). */
export type Dim = number | string;

/** INT, INTS, or a FLOAT written as `{ float: x }` (so that 1.0 stays a float). */
export type AttributeValue = number | readonly number[] | { float: number };

/**
 * Builds an ONNX graph node by node and encodes it as a ModelProto. Weights are float32 initializers stored as raw
 * little-endian bytes; integer attributes and the int64 constants (shapes, axes) are written as ONNX expects.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  /** A float graph input of the given shape; returns its name. */
  input(name: string, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Marks `value` as a graph output named `name` (through an Identity when the names differ). */
  output(name: string, value: string, dims: readonly Dim[]): void {
    if (value !== name) this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 constant (weights); `values` must hold exactly the product of `dims` numbers. */
  weight(name: string, dims: readonly number[], values: Float32Array): string {
    if (values.length !== dims.reduce((a, b) => a * b, 1)) {
      throw new Error(`ONNX weight ${name}: ${values.length} values for shape ${dims.join('×')}`);
    }
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    this.initializers.push({ name, dims: [...dims], dataType: FLOAT, rawData: bytes });
    return name;
  }

  /** An int64 vector constant (shapes, axes). */
  int64s(values: readonly number[]): string {
    const name = this.fresh('const');
    this.initializers.push({ name, dims: [values.length], dataType: INT64, int64Data: [...values] });
    return name;
  }

  /**
   * Appends one node. Returns the name of its (single) output: `outputName`, or a fresh one.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputName?: string,
  ): string {
    const output = outputName ?? this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /** The serialised ModelProto, ready for `InferenceSession.create`. */
  encode(graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'poseloop',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }
}

function valueInfo(name: string, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INTS, ints: [...value] };
}
