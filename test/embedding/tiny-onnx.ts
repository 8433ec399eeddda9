/*
 * Just enough of the ONNX protobuf format to write small models at test time, so no .onnx file is
 * committed and no model hub is needed. Field numbers are from onnx/onnx.proto (IR version 8).
 */

type Bytes = Uint8Array;

class ProtoWriter {
  private readonly chunks: Bytes[] = [];

  varintField(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  bytesField(field: number, value: Bytes | string): this {
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    return this.tag(field, 2).varint(bytes.length).push(bytes);
  }

  floatField(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).push(bytes);
  }

  finish(): Bytes {
    return Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  private varint(value: number | bigint): this {
    // int64 fields use two's complement in 10 bytes for negatives (e.g. the -1 in a Reshape shape).
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    return this.push(Uint8Array.from(out));
  }

  private push(bytes: Bytes): this {
    this.chunks.push(bytes);
    return this;
  }
}

const DataType = { FLOAT: 1, INT64: 7 } as const;
const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export type Dim = number | string;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

export type Initializer =
  | { name: string; dims: number[]; type: 'float32'; data: Float32Array }
  | { name: string; dims: number[]; type: 'int64'; data: BigInt64Array };

export interface ValueSpec {
  name: string;
  type: 'float32' | 'int64';
  shape: Dim[];
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers: Initializer[];
  opset?: number;
}

export function encodeModel(graph: GraphSpec): Bytes {
  const g = new ProtoWriter();
  graph.nodes.forEach((node, i) => g.bytesField(1, encodeNode(node, `${node.op}_${i}`)));
  g.bytesField(2, graph.name);
  for (const init of graph.initializers) g.bytesField(5, encodeTensor(init));
  for (const input of graph.inputs) g.bytesField(11, encodeValueInfo(input));
  for (const output of graph.outputs) g.bytesField(12, encodeValueInfo(output));

  const opset = new ProtoWriter()
    .bytesField(1, '')
    .varintField(2, graph.opset ?? 13)
    .finish();
  return new ProtoWriter()
    .varintField(1, 8) // ir_version
    .bytesField(2, 'vitrina-tests') // producer_name
    .bytesField(7, g.finish()) // graph
    .bytesField(8, opset) // opset_import
    .finish();
}

function encodeNode(node: NodeSpec, name: string): Bytes {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.bytesField(1, input);
  for (const output of node.outputs) w.bytesField(2, output);
  w.bytesField(3, name).bytesField(4, node.op);
  for (const [attrName, value] of Object.entries(node.attributes ?? {})) {
    const a = new ProtoWriter().bytesField(1, attrName);
    if (Array.isArray(value)) {
      for (const v of value) a.varintField(8, v);
      a.varintField(20, AttributeType.INTS);
    } else if (Number.isInteger(value)) {
      a.varintField(3, value).varintField(20, AttributeType.INT);
    } else {
      a.floatField(2, value).varintField(20, AttributeType.FLOAT);
    }
    w.bytesField(5, a.finish());
  }
  return w.finish();
}

function encodeTensor(tensor: Initializer): Bytes {
  const w = new ProtoWriter();
  for (const d of tensor.dims) w.varintField(1, d);
  w.varintField(2, tensor.type === 'float32' ? DataType.FLOAT : DataType.INT64);
  w.bytesField(8, tensor.name);
  // raw_data is little-endian, which typed arrays are on every platform Node supports.
  w.bytesField(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  return w.finish();
}

function encodeValueInfo(value: ValueSpec): Bytes {
  const shape = new ProtoWriter();
  for (const d of value.shape) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.varintField(1, d);
    else dim.bytesField(2, d);
    shape.bytesField(1, dim.finish());
  }
  const tensorType = new ProtoWriter()
    .varintField(1, value.type === 'float32' ? DataType.FLOAT : DataType.INT64)
    .bytesField(2, shape.finish())
    .finish();
  const type = new ProtoWriter().bytesField(1, tensorType).finish();
  return new ProtoWriter().bytesField(1, value.name).bytesField(2, type).finish();
}

/** Seeded uniform values in [-scale, scale): the same model bytes on every run. */
export function seededFloats(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let a = seed >>> 0;
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}
