# Builds the ONNX models tests/test_onnx.c checks (Debian python3-onnx): python3 gen_models.py OUTDIR
import sys, numpy as np, onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
out = sys.argv[1]
def init(name, *shape, dtype=np.float32):
    return nh.from_array(np.zeros(shape, dtype=dtype), name)
def save(g, name, opset=17, infer=False):
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    if infer:
        m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.save(m, f"{out}/{name}.onnx")

# 1. residual CNN block
N = h.make_node
nodes = [
    N("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1], strides=[2, 2]),
    N("BatchNormalization", ["c1", "g1", "be1", "mu1", "var1"], ["bn1"], name="bn1"),
    N("Relu", ["bn1"], ["r1"], name="relu1"),
    N("Conv", ["r1", "w2"], ["c2"], name="dw", group=32, pads=[2, 2, 2, 2], dilations=[2, 2]),
    N("Conv", ["c2", "w3"], ["c3"], name="pw"),
    N("Conv", ["x", "w4"], ["sc"], name="short", strides=[2, 2]),
    N("Add", ["c3", "sc"], ["a"], name="add"),
    N("Relu", ["a"], ["r2"], name="relu2"),
    N("Sigmoid", ["r2"], ["sg"], name="sig"),
    N("Mul", ["r2", "sg"], ["silu"], name="silu"),
    N("Concat", ["silu", "r1"], ["cat"], name="cat", axis=1),
    N("MaxPool", ["cat"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[2, 2]),
    N("AveragePool", ["mp"], ["ap"], name="avgpool", kernel_shape=[2, 2], strides=[2, 2]),
    N("GlobalAveragePool", ["ap"], ["gap"], name="gap"),
    N("Flatten", ["gap"], ["fl"], name="flat"),
    N("Gemm", ["fl", "w5", "b5"], ["y"], name="fc", transB=1),
]
inits = [init("w1", 32, 16, 3, 3), init("b1", 32), init("g1", 32), init("be1", 32), init("mu1", 32),
         init("var1", 32), init("w2", 32, 1, 3, 3), init("w3", 32, 32, 1, 1), init("w4", 32, 16, 1, 1),
         init("w5", 10, 64), init("b5", 10)]
g = h.make_graph(nodes, "resblock", [h.make_tensor_value_info("x", T.FLOAT, ["N", 16, 32, 32])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["N", 10])], inits)
save(g, "resblock")

# 2. attention block: S=8 tokens, D=32, 4 heads of 8, vocab 100, 16 positions
S, D, H, dh = 8, 32, 4, 8
c = lambda name, v: nh.from_array(np.array(v, dtype=np.int64), name)
f = lambda name, v: nh.from_array(np.array(v, dtype=np.float32), name)
nodes = [
    N("Gather", ["wte", "ids"], ["tok"], name="wte"),
    N("Gather", ["wpe", "pos"], ["pe"], name="wpe"),
    N("Add", ["tok", "pe"], ["emb"], name="emb_add"),
    # decomposed LayerNorm
    N("ReduceMean", ["emb"], ["mu"], name="ln1_mean", axes=[-1]),
    N("Sub", ["emb", "mu"], ["d"], name="ln1_sub"),
    N("Pow", ["d", "two"], ["d2"], name="ln1_pow"),
    N("ReduceMean", ["d2"], ["var"], name="ln1_var", axes=[-1]),
    N("Add", ["var", "eps"], ["ve"], name="ln1_eps"),
    N("Sqrt", ["ve"], ["sd"], name="ln1_sqrt"),
    N("Div", ["d", "sd"], ["nrm"], name="ln1_div"),
    N("Mul", ["nrm", "ln1_g"], ["sc"], name="ln1_scale"),
    N("Add", ["sc", "ln1_b"], ["ln1"], name="ln1"),
    N("MatMul", ["ln1", "wqkv"], ["qkv0"], name="qkv"),
    N("Add", ["qkv0", "bqkv"], ["qkv1"], name="qkv_bias"),
    N("Split", ["qkv1", "split"], ["q", "k", "v"], name="split", axis=2),
    N("Reshape", ["q", "heads"], ["q4"], name="q_r"),
    N("Transpose", ["q4"], ["qt"], name="q_t", perm=[0, 2, 1, 3]),
    N("Reshape", ["k", "heads"], ["k4"], name="k_r"),
    N("Transpose", ["k4"], ["kt"], name="k_t", perm=[0, 2, 3, 1]),
    N("Reshape", ["v", "heads"], ["v4"], name="v_r"),
    N("Transpose", ["v4"], ["vt"], name="v_t", perm=[0, 2, 1, 3]),
    N("MatMul", ["qt", "kt"], ["s"], name="qk"),
    N("Div", ["s", "sqrtd"], ["ss"], name="scale"),
    N("Softmax", ["ss"], ["p"], name="softmax", axis=-1),
    N("MatMul", ["p", "vt"], ["o"], name="av"),
    N("Transpose", ["o"], ["ot"], name="o_t", perm=[0, 2, 1, 3]),
    N("Reshape", ["ot", "flat"], ["o3"], name="o_r"),
    N("MatMul", ["o3", "wo"], ["pr0"], name="proj"),
    N("Add", ["pr0", "bo"], ["pr"], name="proj_bias"),
    N("Add", ["pr", "emb"], ["x1"], name="add1"),
    N("LayerNormalization", ["x1", "ln2_g", "ln2_b"], ["ln2"], name="ln2", axis=-1),
    N("MatMul", ["ln2", "w1"], ["h0"], name="fc1"),
    N("Add", ["h0", "b1"], ["h1"], name="fc1_bias"),
    # exact GELU as PyTorch exports it before opset 20
    N("Div", ["h1", "sqrt2"], ["gd"], name="gelu_div"),
    N("Erf", ["gd"], ["ge"], name="gelu_erf"),
    N("Add", ["ge", "one"], ["ga"], name="gelu_add"),
    N("Mul", ["h1", "ga"], ["gm"], name="gelu_mul"),
    N("Mul", ["gm", "half"], ["gl"], name="gelu"),
    N("MatMul", ["gl", "w2"], ["f0"], name="fc2"),
    N("Add", ["f0", "b2"], ["f1"], name="fc2_bias"),
    N("Add", ["f1", "x1"], ["x2"], name="add2"),
    N("Slice", ["x2", "st", "en", "ax"], ["last"], name="last"),
    N("MatMul", ["last", "whead"], ["lg"], name="head"),
    N("Tanh", ["lg"], ["y"], name="tanh"),
]
inits = [init("wte", 100, D), init("wpe", 16, D), c("pos", list(range(S))), f("two", 2.0), f("eps", 1e-5),
         init("ln1_g", D), init("ln1_b", D), init("wqkv", D, 3 * D), init("bqkv", 3 * D),
         c("split", [D, D, D]), c("heads", [1, S, H, dh]), f("sqrtd", 8 ** 0.5), c("flat", [1, S, D]),
         init("wo", D, D), init("bo", D), init("ln2_g", D), init("ln2_b", D), init("w1", D, 4 * D),
         init("b1", 4 * D), f("sqrt2", 2 ** 0.5), f("one", 1.0), f("half", 0.5), init("w2", 4 * D, D),
         init("b2", D), c("st", [-1]), c("en", [S]), c("ax", [1]), init("whead", D, 100)]
g = h.make_graph(nodes, "attention", [h.make_tensor_value_info("ids", T.INT64, ["batch", S])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["batch", 1, 100])], inits)
save(g, "attention", infer=True)

# 3. an operator mcmsim does not take
nodes = [N("Relu", ["x"], ["r"], name="relu"), N("Einsum", ["r", "r"], ["y"], name="mix", equation="bi,bi->b")]
g = h.make_graph(nodes, "unsupported", [h.make_tensor_value_info("x", T.FLOAT, ["N", 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["N"])])
save(g, "unsupported")

# 4. a fixed batch of 2
g = h.make_graph([N("Relu", ["x"], ["y"], name="relu")], "batch2",
                 [h.make_tensor_value_info("x", T.FLOAT, [2, 4])], [h.make_tensor_value_info("y", T.FLOAT, [2, 4])])
save(g, "batch2")

# 5. malformed models the fuzzer found (tests/fuzz_onnx.c): each must be a
# clean error or load, never a leak or a read out of bounds
onnx.save(onnx.ModelProto(ir_version=8), f"{out}/nograph.onnx")     # no graph at all
nameless = onnx.NodeProto(input=["x"], output=["y"])                 # no name, no op_type
g = h.make_graph([nameless], "nameless", [h.make_tensor_value_info("x", T.FLOAT, ["N", 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["N", 4])], [onnx.TensorProto(dims=[1])])
save(g, "nameless")
# transB = 5 is a transpose (ONNX reads it as a boolean); MaxPool's Indices output is not made
nodes = [N("MaxPool", ["x"], ["mp", "idx"], name="mp", kernel_shape=[2, 2], strides=[2, 2]),
         N("Flatten", ["mp"], ["fl"], name="fl"), N("Gemm", ["fl", "w"], ["y"], name="fc", transB=5)]
g = h.make_graph(nodes, "odd", [h.make_tensor_value_info("x", T.FLOAT, ["N", 2, 4, 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["N", 3])], [init("w", 3, 8)])
save(g, "odd")
# a decomposed LayerNorm whose input no node makes and the graph does not have
nodes = [N("ReduceMean", ["ghost"], ["mu"], name="m1", axes=[-1]), N("Sub", ["ghost", "mu"], ["d"], name="s"),
         N("Pow", ["d", "two"], ["d2"], name="p"), N("ReduceMean", ["d2"], ["v"], name="m2", axes=[-1]),
         N("Add", ["v", "eps"], ["ve"], name="a"), N("Sqrt", ["ve"], ["sd"], name="q"),
         N("Div", ["d", "sd"], ["y"], name="ln")]
g = h.make_graph(nodes, "ghost", [h.make_tensor_value_info("x", T.FLOAT, ["N", 4])],
                 [h.make_tensor_value_info("y", T.FLOAT, ["N", 4])],
                 [nh.from_array(np.array(2.0, dtype=np.float32), "two"),
                  nh.from_array(np.array(1e-5, dtype=np.float32), "eps")])
save(g, "ghost")
