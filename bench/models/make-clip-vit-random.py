#!/usr/bin/python3
"""Random-weight CLIP ViT-B/32 vision tower (+ visual projection) for throughput benchmarks.

No CLIP weights can reach the build machines, but speed depends only on the architecture and the
graph, so we rebuild the architecture of openai/clip-vit-base-patch32's vision tower in plain torch
(transformers is not packaged for Debian), export it to ONNX and quantize it the way the hub's
`vision_model_quantized.onnx` was made (onnxruntime dynamic quantization, per-channel weights).
onnxruntime's python package is not in Debian either, so the quantizer below is a small
reimplementation of what `quantize_dynamic(per_channel=True, reduce_range=True)` emits for MatMul.
The patch convolution stays fp32: the hub file is ~7 MB smaller than ours, which fits its Conv being
quantized too (ConvInteger), but that op is under 3% of the tower's multiply-adds.

Output, in the transformers.js layout so that @huggingface/transformers can load it by id:
  OUT/onnx/vision_model.onnx            fp32
  OUT/onnx/vision_model_quantized.onnx  int8 weights, dynamic uint8 activations
  OUT/config.json, OUT/preprocessor_config.json   copied from the real model's files
  OUT/reference/                        a torch forward on fixed inputs, to check the exports
  OUT/probe/layer_{fp32,int8}.onnx      one encoder layer's MatMuls, to measure the machine's ceiling

Run with Debian's /usr/bin/python3 (apt: python3-torch python3-onnx python3-numpy).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

SEED = 20240229
OPSET = 14  # what optimum used for the hub's CLIP exports; LayerNorm is fused back by ORT


class Cfg:
    def __init__(self, vc: dict, projection_dim: int):
        self.hidden = vc["hidden_size"]
        self.heads = vc["num_attention_heads"]
        self.layers = vc["num_hidden_layers"]
        self.mlp = vc["intermediate_size"]
        self.patch = vc["patch_size"]
        self.image = vc["image_size"]
        self.eps = vc["layer_norm_eps"]
        self.proj = projection_dim
        if vc.get("hidden_act") != "quick_gelu":
            raise SystemExit(f"unexpected hidden_act {vc.get('hidden_act')}")


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Attention(nn.Module):
    """Same op sequence as transformers' CLIPAttention (eager): separate q/k/v projections, bmm."""

    def __init__(self, c: Cfg):
        super().__init__()
        self.heads = c.heads
        self.head_dim = c.hidden // c.heads
        self.scale = self.head_dim**-0.5
        self.q_proj = nn.Linear(c.hidden, c.hidden)
        self.k_proj = nn.Linear(c.hidden, c.hidden)
        self.v_proj = nn.Linear(c.hidden, c.hidden)
        self.out_proj = nn.Linear(c.hidden, c.hidden)

    def _split(self, x, bsz):
        return x.view(bsz, -1, self.heads, self.head_dim).transpose(1, 2).reshape(bsz * self.heads, -1, self.head_dim)

    def forward(self, x):
        bsz, seq, dim = x.size()
        q = self._split(self.q_proj(x) * self.scale, bsz)
        k = self._split(self.k_proj(x), bsz)
        v = self._split(self.v_proj(x), bsz)
        attn = torch.softmax(torch.bmm(q, k.transpose(1, 2)), dim=-1)
        out = torch.bmm(attn, v)
        out = out.view(bsz, self.heads, seq, self.head_dim).transpose(1, 2).reshape(bsz, seq, dim)
        return self.out_proj(out)


class EncoderLayer(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(c.hidden, eps=c.eps)
        self.self_attn = Attention(c)
        self.layer_norm2 = nn.LayerNorm(c.hidden, eps=c.eps)
        self.fc1 = nn.Linear(c.hidden, c.mlp)
        self.act = QuickGELU()
        self.fc2 = nn.Linear(c.mlp, c.hidden)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.fc2(self.act(self.fc1(self.layer_norm2(x))))


class VisionTowerWithProjection(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.empty(c.hidden))
        self.patch_embedding = nn.Conv2d(3, c.hidden, kernel_size=c.patch, stride=c.patch, bias=False)
        positions = (c.image // c.patch) ** 2 + 1
        self.position_embedding = nn.Parameter(torch.empty(positions, c.hidden))
        self.pre_layrnorm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.layers = nn.ModuleList(EncoderLayer(c) for _ in range(c.layers))
        self.post_layernorm = nn.LayerNorm(c.hidden, eps=c.eps)
        self.visual_projection = nn.Linear(c.hidden, c.proj, bias=False)

    def forward(self, pixel_values):
        patches = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = self.class_embedding.expand(pixel_values.shape[0], 1, -1)
        x = torch.cat([cls, patches], dim=1) + self.position_embedding
        x = self.pre_layrnorm(x)
        for layer in self.layers:
            x = layer(x)
        return self.visual_projection(self.post_layernorm(x[:, 0, :]))


def init_like_clip(m: VisionTowerWithProjection, c: Cfg):
    """transformers' CLIPPreTrainedModel._init_weights (factor 1), so activations have realistic
    scales; biases and LayerNorm affine get small noise instead of 0/1 so no path is trivially exact."""
    g = torch.Generator().manual_seed(SEED)

    def normal_(t, std):
        with torch.no_grad():
            t.copy_(torch.randn(t.shape, generator=g) * std)

    normal_(m.class_embedding, c.hidden**-0.5)
    normal_(m.patch_embedding.weight, 0.02)
    normal_(m.position_embedding, 0.02)
    in_std = c.hidden**-0.5 * (2 * c.layers) ** -0.5
    for layer in m.layers:
        a = layer.self_attn
        for lin in (a.q_proj, a.k_proj, a.v_proj):
            normal_(lin.weight, in_std)
        normal_(a.out_proj.weight, c.hidden**-0.5)
        normal_(layer.fc1.weight, (2 * c.hidden) ** -0.5)
        normal_(layer.fc2.weight, in_std)
        for lin in (a.q_proj, a.k_proj, a.v_proj, a.out_proj, layer.fc1, layer.fc2):
            normal_(lin.bias, 0.02)
    for ln in [m.pre_layrnorm, m.post_layernorm] + [x for l in m.layers for x in (l.layer_norm1, l.layer_norm2)]:
        with torch.no_grad():
            ln.weight.copy_(1 + torch.randn(ln.weight.shape, generator=g) * 0.05)
        normal_(ln.bias, 0.02)
    normal_(m.visual_projection.weight, c.hidden**-0.5)


# ---------------------------------------------------------------------------------------------
# Dynamic quantization (what onnxruntime.quantization.quantize_dynamic produces for MatMul with a
# constant B in IntegerOps mode). Per original MatMul:
#   x -> DynamicQuantizeLinear -> (x_q uint8, x_scale, x_zp)         shared by all consumers of x
#   MatMulInteger(x_q, W_q int8 [K,N], x_zp, W_zp int8 [N]) -> int32
#   Cast(float) ; Mul(x_scale, W_scale[N]) ; Mul(cast, scales) -> original output
# ORT fuses MatMulInteger+Cast+Mul(+bias Add) into MatMulIntegerToFloat, and, when the
# DynamicQuantizeLinear feeds a single MatMul, further into DynamicQuantizeMatMul. Both fusions need
# exactly this shape: uint8 activations from DynamicQuantizeLinear, constant B/scale/zero point, a
# scale Mul with (activation scale, weight scale) as inputs 0 and 1, each node used once.
# ---------------------------------------------------------------------------------------------


def quant_params_per_channel(w: np.ndarray, weight_type: str, reduce_range: bool):
    """Per output column (last axis) of a [K, N] MatMul weight, as ORT's compute_scale_zp does."""
    rmin = np.minimum(w.min(axis=0), 0.0).astype(np.float64)
    rmax = np.maximum(w.max(axis=0), 0.0).astype(np.float64)
    if weight_type == "int8":
        # symmetric; 7-bit with reduce_range so u8*s8 pairs can't saturate vpmaddubsw on non-VNNI CPUs
        qmin, qmax = (-64, 64) if reduce_range else (-127, 127)
        absmax = np.maximum(np.abs(rmin), np.abs(rmax))
        scale = (2 * absmax) / (qmax - qmin)
        scale = np.where(scale == 0, 1.0, scale)
        zp = np.zeros_like(scale)
        np_type, onnx_type = np.int8, TensorProto.INT8
    else:
        qmin, qmax = (0, 127) if reduce_range else (0, 255)
        scale = (rmax - rmin) / (qmax - qmin)
        scale = np.where(scale == 0, 1.0, scale)
        zp = np.round(qmin - rmin / scale)
        np_type, onnx_type = np.uint8, TensorProto.UINT8
    q = np.clip(np.round(w / scale[None, :]) + zp[None, :], qmin, qmax)
    return q.astype(np_type), scale.astype(np.float32), zp.astype(np_type), onnx_type


def quantize_dynamic_matmul(model: onnx.ModelProto, weight_type: str, reduce_range: bool) -> onnx.ModelProto:
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    consumers: dict[str, int] = {}
    for n in graph.node:
        for i in n.input:
            consumers[i] = consumers.get(i, 0) + 1
    for o in graph.output:
        consumers[o.name] = consumers.get(o.name, 0) + 1

    new_nodes, new_inits, dropped_inits = [], [], set()
    dql_of: dict[str, tuple[str, str, str]] = {}
    counts = {"MatMul": 0, "Gemm": 0, "MatMul(activation B, kept fp32)": 0}

    def dynamic_quant(x: str):
        if x not in dql_of:
            names = (f"{x}_quantized", f"{x}_scale", f"{x}_zero_point")
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(names), f"{x}_QuantizeLinear"))
            dql_of[x] = names
        return dql_of[x]

    def emit(node_name: str, x: str, w: np.ndarray, out: str, bias: str | None):
        xq, xs, xzp = dynamic_quant(x)
        q, scale, zp, onnx_type = quant_params_per_channel(w, weight_type, reduce_range)
        wn = f"{node_name}_W"
        new_inits.extend(
            [
                numpy_helper.from_array(q, f"{wn}_quantized"),
                numpy_helper.from_array(scale, f"{wn}_scale"),
                helper.make_tensor(f"{wn}_zero_point", onnx_type, [zp.size], zp.tobytes(), raw=True),
            ]
        )
        mmi = f"{out}_MatMulInteger"
        new_nodes.append(
            helper.make_node(
                "MatMulInteger", [xq, f"{wn}_quantized", xzp, f"{wn}_zero_point"], [mmi], f"{node_name}_quant"
            )
        )
        new_nodes.append(helper.make_node("Cast", [mmi], [f"{mmi}_cast"], f"{node_name}_cast", to=TensorProto.FLOAT))
        new_nodes.append(helper.make_node("Mul", [xs, f"{wn}_scale"], [f"{mmi}_scales"], f"{node_name}_scales_mul"))
        scaled = out if bias is None else f"{mmi}_scaled"
        new_nodes.append(helper.make_node("Mul", [f"{mmi}_cast", f"{mmi}_scales"], [scaled], f"{node_name}_output_scale_mul"))
        if bias is not None:
            new_nodes.append(helper.make_node("Add", [scaled, bias], [out], f"{node_name}_bias_add"))

    for idx, n in enumerate(graph.node):
        name = n.name or f"{n.op_type}_{idx}"
        if n.op_type == "MatMul" and n.input[1] in inits and n.input[0] not in inits:
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
            if w.ndim != 2:
                new_nodes.append(n)
                continue
            emit(name, n.input[0], w, n.output[0], None)
            dropped_inits.add(n.input[1])
            counts["MatMul"] += 1
        elif n.op_type == "Gemm" and n.input[1] in inits:
            attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
            if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
                new_nodes.append(n)
                continue
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
            if attrs.get("transB", 0):
                w = w.T
            emit(name, n.input[0], np.ascontiguousarray(w), n.output[0], n.input[2] if len(n.input) > 2 else None)
            dropped_inits.add(n.input[1])
            counts["Gemm"] += 1
        else:
            if n.op_type == "MatMul":
                counts["MatMul(activation B, kept fp32)"] += 1
            new_nodes.append(n)

    # a weight shared with a node we did not rewrite must stay
    still_used = {i for n in new_nodes for i in n.input}
    keep = [t for t in graph.initializer if t.name not in dropped_inits or t.name in still_used]
    del graph.initializer[:]
    graph.initializer.extend(keep + new_inits)
    del graph.node[:]
    graph.node.extend(new_nodes)
    print(f"quantized: {counts}", file=sys.stderr)
    return model


def write_probes(folder: str, c: Cfg, weight_type: str, reduce_range: bool):
    """The linear layers of one encoder layer at batch 16 (rows = 16 * 50 tokens): q, k, v, out
    ([hidden x hidden] each), fc1, fc2, chained, without the cheap ops between them. fp32 and through
    the same quantizer. Timing it gives the best this CPU does on the tower's dominant work, so a
    benchmark can say how far from the hardware limit the whole pipeline is."""
    g = np.random.default_rng(SEED)
    shapes = [(c.hidden, c.hidden)] * 4 + [(c.hidden, c.mlp), (c.mlp, c.hidden)]
    nodes, inits, x = [], [], "x"
    for i, (k, n) in enumerate(shapes):
        w = (g.standard_normal((k, n)) * k**-0.5).astype(np.float32)
        inits.append(numpy_helper.from_array(w, f"w{i}"))
        y = "y" if i == len(shapes) - 1 else f"h{i}"
        nodes.append(helper.make_node("MatMul", [x, f"w{i}"], [y], f"probe{i}"))
        x = y
    graph = helper.make_graph(
        nodes,
        "probe",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["rows", c.hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", c.hidden])],
        inits,
    )
    fp32 = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(fp32)
    onnx.save(fp32, os.path.join(folder, "layer_fp32.onnx"))
    int8 = quantize_dynamic_matmul(fp32, weight_type, reduce_range)
    onnx.checker.check_model(int8)
    onnx.save(int8, os.path.join(folder, "layer_int8.onnx"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(repo, "bench", ".models", "clip-vit-b32-random"))
    ap.add_argument("--source", default=os.path.normpath(os.path.join(repo, "..", "shared", "models", "clip-vit-base-patch32")))
    # uint8 weights are allowed by ORT's quantizer but hit MLAS's u8u8 kernels: about 2x slower here
    ap.add_argument("--weight-type", choices=["int8", "uint8"], default="int8")
    ap.add_argument("--no-reduce-range", action="store_true")
    args = ap.parse_args()

    with open(os.path.join(args.source, "config.json")) as f:
        full = json.load(f)
    c = Cfg(full["vision_config"], full["projection_dim"])

    torch.manual_seed(SEED)
    model = VisionTowerWithProjection(c).eval()
    init_like_clip(model, c)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"params: {n_params / 1e6:.2f} M", file=sys.stderr)

    parent = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(parent, exist_ok=True)
    # build next to the destination and rename at the end: a half-written folder must never look
    # like a finished model to ensure-clip-vit-random.sh
    tmp = tempfile.mkdtemp(prefix=".clip-vit-random-", dir=parent)
    try:
        os.makedirs(os.path.join(tmp, "onnx"))
        os.makedirs(os.path.join(tmp, "reference"))
        os.makedirs(os.path.join(tmp, "probe"))
        fp32 = os.path.join(tmp, "onnx", "vision_model.onnx")
        dummy = torch.zeros(1, 3, c.image, c.image)
        with torch.no_grad():
            torch.onnx.export(
                model,
                (dummy,),
                fp32,
                input_names=["pixel_values"],
                output_names=["image_embeds"],
                dynamic_axes={"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}},
                opset_version=OPSET,
                do_constant_folding=True,
            )
        m = onnx.load(fp32)
        ops: dict[str, int] = {}
        for n in m.graph.node:
            ops[n.op_type] = ops.get(n.op_type, 0) + 1
        print(f"fp32 graph ops: {dict(sorted(ops.items()))}", file=sys.stderr)

        q = quantize_dynamic_matmul(m, args.weight_type, not args.no_reduce_range)
        q.producer_name = "vitrina make-clip-vit-random.py"
        # DynamicQuantizeLinear nodes sit where their first consumer was, so topological order
        # holds; the checker confirms that and the integer types instead of trusting it
        onnx.checker.check_model(q)
        onnx.save(q, os.path.join(tmp, "onnx", "vision_model_quantized.onnx"))

        # fixed inputs in the preprocessed range (CLIP-normalized pixels lie in about [-1.8, 2.2])
        g = torch.Generator().manual_seed(SEED + 1)
        ref_in = torch.rand(2, 3, c.image, c.image, generator=g) * 4.0 - 1.8
        with torch.no_grad():
            ref_out = model(ref_in)
        ref_in.numpy().astype("<f4").tofile(os.path.join(tmp, "reference", "pixel_values.f32"))
        ref_out.numpy().astype("<f4").tofile(os.path.join(tmp, "reference", "image_embeds.f32"))
        with open(os.path.join(tmp, "reference", "README.md"), "w") as f:
            f.write(
                "torch forward of the random tower on fixed inputs, little-endian float32:\n"
                f"pixel_values.f32 [2,3,{c.image},{c.image}], image_embeds.f32 [2,{c.proj}].\n"
            )

        write_probes(os.path.join(tmp, "probe"), c, args.weight_type, not args.no_reduce_range)

        for name in ("config.json", "preprocessor_config.json"):
            shutil.copyfile(os.path.join(args.source, name), os.path.join(tmp, name))
        with open(os.path.join(tmp, "RANDOM_WEIGHTS.md"), "w") as f:
            f.write(
                "Random weights (seed %d) in the CLIP ViT-B/32 vision architecture. For speed benchmarks only:\n"
                "its embeddings mean nothing. Made by bench/models/make-clip-vit-random.py.\n" % SEED
            )
        if os.path.exists(args.out):
            shutil.rmtree(args.out)
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
        os.rename(tmp, args.out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for rel in ("onnx/vision_model.onnx", "onnx/vision_model_quantized.onnx"):
        size = os.path.getsize(os.path.join(args.out, rel))
        print(f"{rel}: {size / 1e6:.1f} MB", file=sys.stderr)
    print(args.out)


if __name__ == "__main__":
    main()
