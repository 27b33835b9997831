# Writes the ONNX harness's seeds (tests/fuzz_corpus/onnx), tiny models that
# reach every operator the importer takes, so the fuzzer starts from valid
# graphs of a few hundred bytes rather than from noise:
#   python3 tests/onnx/gen_fuzz_seeds.py tests/fuzz_corpus/onnx
import sys, numpy as np
from onnx import helper as h, TensorProto as T, numpy_helper as nh
out = sys.argv[1]
N = h.make_node
z = lambda name, *shape: nh.from_array(np.zeros(shape, dtype=np.float32), name)
i64 = lambda name, v: nh.from_array(np.array(v, dtype=np.int64), name)
f32 = lambda name, v: nh.from_array(np.array(v, dtype=np.float32), name)
vi = lambda name, shape: h.make_tensor_value_info(name, T.FLOAT, shape)

def save(name, nodes, ins, outs, inits):
    g = h.make_graph(nodes, name, ins, outs, inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    open(f"{out}/{name}.onnx", "wb").write(m.SerializeToString())

save("cnn", [N("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1], strides=[2, 2], group=2,
               dilations=[1, 1]),
             N("BatchNormalization", ["c", "g", "be", "mu", "var"], ["bn"], name="bn"),
             N("Relu", ["bn"], ["r"], name="relu"),
             N("MaxPool", ["r"], ["mp"], name="mp", kernel_shape=[2, 2], strides=[2, 2]),
             N("AveragePool", ["mp"], ["ap"], name="ap", kernel_shape=[1, 1]),
             N("Concat", ["ap", "mp"], ["cat"], name="cat", axis=1),
             N("GlobalAveragePool", ["cat"], ["gap"], name="gap"),
             N("Flatten", ["gap"], ["fl"], name="fl"),
             N("Gemm", ["fl", "wf"], ["y"], name="fc", transB=1)],
     [vi("x", ["N", 2, 4, 4])], [vi("y", ["N", 3])],
     [z("w", 4, 1, 3, 3), z("b", 4), z("g", 4), z("be", 4), z("mu", 4), z("var", 4), z("wf", 3, 8)])
save("mlp", [N("MatMul", ["x", "w"], ["m"], name="mm"), N("Add", ["m", "b"], ["a"], name="add"),
             N("Sigmoid", ["a"], ["s"], name="sig"), N("Mul", ["a", "s"], ["silu"], name="mul"),
             N("Tanh", ["silu"], ["t"], name="tanh"), N("Gelu", ["t"], ["y"], name="gelu", domain="")],
     [vi("x", ["B", 2, 4])], [vi("y", ["B", 2, 4])], [z("w", 4, 4), z("b", 4)])
save("attn", [N("Gather", ["wte", "ids"], ["e"], name="wte"),
              N("LayerNormalization", ["e", "lg", "lb"], ["ln"], name="ln", axis=-1),
              N("Split", ["ln", "sp"], ["q", "k"], name="split", axis=2),
              N("Reshape", ["q", "hs"], ["q4"], name="qr"),
              N("Transpose", ["q4"], ["qt"], name="qt", perm=[0, 2, 1, 3]),
              N("Reshape", ["k", "hs"], ["k4"], name="kr"),
              N("Transpose", ["k4"], ["kt"], name="kt", perm=[0, 2, 3, 1]),
              N("MatMul", ["qt", "kt"], ["s"], name="qk"),
              N("Softmax", ["s"], ["p"], name="sm", axis=-1),
              N("Slice", ["p", "st", "en", "ax"], ["y"], name="last")],
     [h.make_tensor_value_info("ids", T.INT64, [1, 2])], [vi("y", [1, 2, 1, 2])],
     [z("wte", 5, 4), z("lg", 4), z("lb", 4), i64("sp", [2, 2]), i64("hs", [1, 2, 2, 1]),
      i64("st", [-1]), i64("en", [2]), i64("ax", [2])])
save("lnorm", [N("ReduceMean", ["x"], ["mu"], name="mean", axes=[-1]), N("Sub", ["x", "mu"], ["d"], name="sub"),
               N("Pow", ["d", "two"], ["d2"], name="pow"), N("ReduceMean", ["d2"], ["v"], name="var", axes=[-1]),
               N("Add", ["v", "eps"], ["ve"], name="eps"), N("Sqrt", ["ve"], ["sd"], name="sqrt"),
               N("Div", ["d", "sd"], ["n"], name="div"), N("Erf", ["n"], ["y"], name="erf")],
     [vi("x", [1, 2, 4])], [vi("y", [1, 2, 4])], [f32("two", 2.0), f32("eps", 1e-5)])
