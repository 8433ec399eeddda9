/**
 * Exposes intermediate tensors of an ONNX model as extra graph outputs, without the onnx library:
 * onnxruntime only returns graph outputs, and MobileNet's spatial feature map (before pooling) is
 * what query framing needs.
 *
 * Protobuf merges a repeated field of a message that appears twice, so appending one more
 * `graph` field (ModelProto field 7) holding only `output` entries (GraphProto field 12) to the
 * serialized model adds outputs and leaves every other byte as it was.
 */

const LEN = 2; // protobuf wire type of length-delimited fields
const MODEL_GRAPH = 7;
const GRAPH_OUTPUT = 12;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_ELEM_TYPE = 1;
const ELEM_FLOAT = 1;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(fieldNumber: number, payload: readonly number[]): number[] {
  return [...varint((fieldNumber << 3) | LEN), ...varint(payload.length), ...payload];
}

/** A float32 graph output named `name` (shape left to onnxruntime's inference). */
function floatOutput(name: string): number[] {
  const tensorType = [(TENSOR_ELEM_TYPE << 3) | 0, ELEM_FLOAT];
  const valueInfo = [
    ...field(VALUE_INFO_NAME, [...Buffer.from(name, 'utf8')]),
    ...field(VALUE_INFO_TYPE, field(TYPE_TENSOR, tensorType)),
  ];
  return field(GRAPH_OUTPUT, valueInfo);
}

/** The model with float32 `names` added to its graph outputs; the input is not modified. */
export function withGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  if (names.length === 0) return model;
  const graphPatch = field(MODEL_GRAPH, names.flatMap(floatOutput));
  const out = new Uint8Array(model.length + graphPatch.length);
  out.set(model, 0);
  out.set(graphPatch, model.length);
  return out;
}
