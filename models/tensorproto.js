'use strict';
// Minimal reader for serialized onnx.TensorProto files (test_data_set_*/input_K.pb).
// Returns { name, type (onnxruntime type string), data (TypedArray), dims }.
// Supports raw_data and the typed *_data fields; no external data.
const fs = require('fs');
const os = require('os');

if (os.endianness() !== 'LE') throw new Error('little-endian host required');

const ONNX_TYPES = { // TensorProto.DataType -> [ort type, TypedArray]
  1: ['float32', Float32Array], 2: ['uint8', Uint8Array], 3: ['int8', Int8Array],
  5: ['int16', Int16Array], 6: ['int32', Int32Array], 7: ['int64', BigInt64Array],
  9: ['bool', Uint8Array], 11: ['float64', Float64Array],
};

function readVarint(buf, st) {
  let result = 0n, shift = 0n;
  for (;;) {
    const b = buf[st.pos++];
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return result;
    shift += 7n;
  }
}

function parseTensorProto(buf) {
  const st = { pos: 0 };
  const t = { dims: [], dataType: 0, name: '', raw: null, floatData: [], int64Data: [], int32Data: [] };
  while (st.pos < buf.length) {
    const key = Number(readVarint(buf, st));
    const field = key >>> 3, wire = key & 7;
    let bytes = null, v = null;
    if (wire === 0) v = readVarint(buf, st);
    else if (wire === 2) {
      const len = Number(readVarint(buf, st));
      bytes = buf.subarray(st.pos, st.pos + len); st.pos += len;
    } else if (wire === 5) { v = buf.readFloatLE(st.pos); st.pos += 4; }
    else if (wire === 1) { v = buf.readDoubleLE(st.pos); st.pos += 8; }
    else throw new Error(`unsupported wire type ${wire}`);
    const packedVarints = () => { const s = { pos: 0 }, out = []; while (s.pos < bytes.length) out.push(readVarint(bytes, s)); return out; };
    switch (field) {
      case 1: if (bytes) t.dims.push(...packedVarints().map(Number)); else t.dims.push(Number(v)); break;
      case 2: t.dataType = Number(v); break;
      case 4: if (bytes) for (let i = 0; i < bytes.length; i += 4) t.floatData.push(bytes.readFloatLE(i)); else t.floatData.push(v); break;
      case 5: if (bytes) t.int32Data.push(...packedVarints().map((x) => Number(BigInt.asIntN(32, x)))); else t.int32Data.push(Number(BigInt.asIntN(32, v))); break;
      case 7: if (bytes) t.int64Data.push(...packedVarints().map((x) => BigInt.asIntN(64, x))); else t.int64Data.push(BigInt.asIntN(64, v)); break;
      case 8: t.name = bytes.toString('utf8'); break;
      case 9: t.raw = bytes; break;
      case 14: if (Number(v) !== 0) throw new Error('external data not supported'); break;
      default: break; // doc_string, segment, etc.
    }
  }
  const [type, Arr] = ONNX_TYPES[t.dataType] || [];
  if (!type) throw new Error(`unsupported TensorProto data_type ${t.dataType}`);
  const n = t.dims.reduce((a, b) => a * b, 1);
  let data;
  if (t.raw) {
    const copy = Buffer.from(t.raw); // aligned copy
    data = new Arr(copy.buffer, copy.byteOffset, copy.length / Arr.BYTES_PER_ELEMENT);
  } else if (t.dataType === 1) data = Float32Array.from(t.floatData);
  else if (t.dataType === 7) data = BigInt64Array.from(t.int64Data);
  else data = Arr.from(t.int32Data);
  if (data.length !== n) throw new Error(`${t.name}: ${data.length} elements, dims say ${n}`);
  if (type === 'bool') data = Uint8Array.from(data, (x) => x !== 0);
  return { name: t.name, type, data, dims: t.dims };
}

function readTensorProto(file) {
  return parseTensorProto(fs.readFileSync(file));
}

module.exports = { parseTensorProto, readTensorProto };
