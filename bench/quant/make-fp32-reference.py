"""Writes an fp32 reference of an int8 ONNX model: the same weights, dequantized, the integer ops
rewritten as float ops (QDQ around them where the int8 model requantizes), so onnxruntime with graph
optimizations off computes what the integer kernels would compute without any saturation.

  /usr/bin/python3 bench/quant/make-fp32-reference.py in.onnx out.onnx

Handles the ops of the ONNX Model Zoo's QOperator MobileNetV2 (QLinearConv, QLinearAdd,
QLinearGlobalAveragePool, QLinearMatMul) and of dynamically quantized transformers (MatMulInteger,
ConvInteger). Needs Debian's python3-onnx and python3-numpy.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def main(src, dst):
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    nodes = []
    counter = [0]

    def fresh(base):
        counter[0] += 1
        return f"{base}__ref{counter[0]}"

    def dq(x, scale, zp):
        out = fresh(x + "_f")
        nodes.append(helper.make_node("DequantizeLinear", [x, scale, zp], [out]))
        return out

    def q(x, scale, zp, out):
        nodes.append(helper.make_node("QuantizeLinear", [x, scale, zp], [out]))

    def int_as_float(x, zp):
        # (x - zp) in float32: exact for 8-bit values
        xf = fresh(x + "_i")
        nodes.append(helper.make_node("Cast", [x], [xf], to=TensorProto.FLOAT))
        if zp:
            zf = fresh(zp + "_i")
            nodes.append(helper.make_node("Cast", [zp], [zf], to=TensorProto.FLOAT))
            d = fresh(x + "_c")
            nodes.append(helper.make_node("Sub", [xf, zf], [d]))
            return d
        return xf

    for n in graph.node:
        i = list(n.input)
        if n.op_type == "QLinearConv":
            x = dq(i[0], i[1], i[2])
            # weights dequantized here: per output channel (axis 0), which DequantizeLinear's
            # default axis would get wrong for conv weights
            wq = numpy_helper.to_array(inits[i[3]]).astype(np.float32)
            wz = numpy_helper.to_array(inits[i[5]]).astype(np.float32)
            wsc = numpy_helper.to_array(inits[i[4]]).astype(np.float32)
            shape = (-1,) + (1,) * (wq.ndim - 1)
            w = fresh(i[3] + "_f")
            graph.initializer.append(
                numpy_helper.from_array(((wq - wz.reshape(shape)) * wsc.reshape(shape)).astype(np.float32), w)
            )
            ins = [x, w]
            if len(i) > 8 and i[8]:
                # int32 bias, scale = x_scale * w_scale (per channel): dequantize by hand
                b = numpy_helper.to_array(inits[i[8]]).astype(np.float32)
                xs = numpy_helper.to_array(inits[i[1]]).astype(np.float32)
                ws = numpy_helper.to_array(inits[i[4]]).astype(np.float32)
                name = fresh(i[8] + "_f")
                graph.initializer.append(numpy_helper.from_array((b * xs * ws).astype(np.float32), name))
                ins.append(name)
            y = fresh(n.output[0] + "_f")
            nodes.append(helper.make_node("Conv", ins, [y], name=fresh("conv"), **{a.name: helper.get_attribute_value(a) for a in n.attribute}))
            q(y, i[6], i[7], n.output[0])
        elif n.op_type == "QLinearAdd":
            a = dq(i[0], i[1], i[2])
            b = dq(i[3], i[4], i[5])
            y = fresh(n.output[0] + "_f")
            nodes.append(helper.make_node("Add", [a, b], [y]))
            q(y, i[6], i[7], n.output[0])
        elif n.op_type == "QLinearGlobalAveragePool":
            x = dq(i[0], i[1], i[2])
            y = fresh(n.output[0] + "_f")
            nodes.append(helper.make_node("GlobalAveragePool", [x], [y]))
            q(y, i[3], i[4], n.output[0])
        elif n.op_type == "QLinearMatMul":
            a = dq(i[0], i[1], i[2])
            b = dq(i[3], i[4], i[5])
            y = fresh(n.output[0] + "_f")
            nodes.append(helper.make_node("MatMul", [a, b], [y]))
            q(y, i[6], i[7], n.output[0])
        elif n.op_type == "MatMulInteger":
            a = int_as_float(i[0], i[2] if len(i) > 2 else None)
            b = int_as_float(i[1], i[3] if len(i) > 3 else None)
            y = fresh(n.output[0] + "_f")
            nodes.append(helper.make_node("MatMul", [a, b], [y]))
            nodes.append(helper.make_node("Cast", [y], [n.output[0]], to=TensorProto.INT32))
        elif n.op_type == "ConvInteger":
            a = int_as_float(i[0], i[2] if len(i) > 2 else None)
            b = int_as_float(i[1], i[3] if len(i) > 3 else None)
            y = fresh(n.output[0] + "_f")
            nodes.append(helper.make_node("Conv", [a, b], [y], **{a_.name: helper.get_attribute_value(a_) for a_ in n.attribute}))
            nodes.append(helper.make_node("Cast", [y], [n.output[0]], to=TensorProto.INT32))
        else:
            nodes.append(n)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    print(f"{dst}: {len(nodes)} nodes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
