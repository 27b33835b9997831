#!/usr/bin/env python3
"""Writes workloads/googlenet.ini, the explicit layer list of GoogLeNet
(Inception v1) as torchvision builds it but with the paper's 5x5 convs, and
prints its MACs and parameters as a check.
Run from the repository root: python3 scripts/gen_googlenet.py"""

HEADER = """\
; GoogLeNet (Inception v1; Szegedy et al., "Going deeper with convolutions",
; CVPR 2015), one 224x224x3 image, int8, no auxiliary classifiers.
; Written by scripts/gen_googlenet.py; edit that and rerun, or edit by hand.
;
; Layout as torchvision builds it: conv1 7x7/2, maxpool 3/2, conv2 1x1,
; conv3 3x3, maxpool 3/2, inception 3a 3b, maxpool 3/2, 4a-4e, maxpool 2/2,
; 5a 5b, global avgpool, FC 1024 -> 1000 (dropout and the paper's LRN left
; out: no MACs, no parameters).
;
; An inception module has four branches reading the module input:
;   b1  1x1;  b2r 1x1 -> b2 3x3;  b3r 1x1 -> b3 5x5;  pool maxpool 3/1 -> b4 1x1
; and a concat of the four (cat). There is no concat kind: cat is a relu
; reading in=b1,b2,b3,b4 (several inputs are concatenated), whose element
; count is the sum of the branches'; its 1 vector op per element stands for
; the copy.
;
; b3 is the PAPER's 5x5 conv (pad 2). torchvision has a 3x3 there (a known
; slip it keeps for its pretrained weights, pytorch/vision issue 906); SCAR
; cites GoogLeNet, i.e. the paper. The 5x5 adds 16 x b3r x b3 weights per
; module: {diff:,} parameters and {diffmacs:,} MACs over the 3x3 variant.
;
; Pools use pad 1 where torchvision uses ceil_mode (floor((h + 2 pad - r) /
; stride) + 1 gives the same sizes): 112 -> 56, 56 -> 28, 28 -> 14; the
; 2x2/2 maxpool4 gives 14 -> 7 exactly.
; Batch norm is folded into the convs and each ReLU into its conv.
; Convs pad (r-1)/2 ("same"). {convs} convs + 1 FC:
; {macs:,} MACs; {params:,} parameters (conv weights, FC weights and bias).
; The 3x3 variant has {params3:,}; with torchvision's batch norm
; ({bn:,}: a scale and a shift per conv output channel) that is its
; published 6,624,904.

[model]
name = googlenet
elem_bytes = 1

[layers]
; NAME = KIND key=value ...  (the input is the layer above unless in= says)
"""

# name, 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj (paper's Table 1)
MODULES = {
    28: [("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64)],
    14: [("4a", 192, 96, 208, 16, 48, 64), ("4b", 160, 112, 224, 24, 64, 64),
         ("4c", 128, 128, 256, 24, 64, 64), ("4d", 112, 144, 288, 32, 64, 64),
         ("4e", 256, 160, 320, 32, 128, 128)],
    7: [("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128)],
}


def main():
    lines = []
    macs = params = convs = bn = diff = diffmacs = 0

    def layer(name, text):
        lines.append(f"{name:<10} = {text}")

    def conv(name, k, c, r, h, stride=1, src=None):
        nonlocal macs, params, convs, bn
        p = (h + 2 * ((r - 1) // 2) - r) // stride + 1
        macs += k * c * r * r * p * p
        params += k * c * r * r
        convs += 1
        bn += 2 * k
        text = f"conv k={k} c={c} r={r} h={h} w={h}"
        text += f" stride={stride}" if stride != 1 else ""
        text += f" in={src}" if src else ""
        layer(name, text)
        return p

    def pool(name, c, h, r, stride, pad, src=None):
        text = f"maxpool c={c} h={h} w={h} r={r} stride={stride}"
        text += f" pad={pad}" if pad else ""
        text += f" in={src}" if src else ""
        layer(name, text)
        return (h + 2 * pad - r) // stride + 1

    h = conv("conv1", 64, 3, 7, 224, stride=2)                 # 112
    h = pool("pool1", 64, h, 3, 2, 1)                          # 56
    conv("conv2", 64, 64, 1, h)
    conv("conv3", 192, 64, 3, h)
    h = pool("pool2", 192, h, 3, 2, 1)                         # 28
    prev, cin = "pool2", 192
    for size, mods in MODULES.items():
        if size == 14:
            h = pool("pool3", cin, h, 3, 2, 1)                 # 28 -> 14
            prev = "pool3"
        elif size == 7:
            h = pool("pool4", cin, h, 2, 2, 0)                 # 14 -> 7
            prev = "pool4"
        for n, b1, b2r, b2, b3r, b3, b4 in mods:
            out = b1 + b2 + b3 + b4
            lines.append("")
            lines.append(f"; inception {n}: {cin} -> {b1} + {b2} + {b3} + {b4} = {out} "
                         f"channels, {h}x{h}")
            conv(f"i{n}.b1", b1, cin, 1, h, src=prev)
            conv(f"i{n}.b2r", b2r, cin, 1, h, src=prev)
            conv(f"i{n}.b2", b2, b2r, 3, h)
            conv(f"i{n}.b3r", b3r, cin, 1, h, src=prev)
            conv(f"i{n}.b3", b3, b3r, 5, h)
            diff += 16 * b3r * b3
            diffmacs += 16 * b3r * b3 * h * h
            pool(f"i{n}.pool", cin, h, 3, 1, 1, src=prev)
            conv(f"i{n}.b4", b4, cin, 1, h)
            cat = ",".join(f"i{n}.{b}" for b in ("b1", "b2", "b3", "b4"))
            layer(f"i{n}.cat", f"relu c={out} h={h} w={h} in={cat}   ; the concat")
            prev, cin = f"i{n}.cat", out
    lines.append("")
    layer("pool", f"avgpool c={cin} h={h} w={h}   ; global: the window defaults to h x w")
    layer("fc", f"matmul m=1 k={cin} n=1000 bias=1")
    macs += cin * 1000
    params += cin * 1000 + 1000
    with open("workloads/googlenet.ini", "w") as f:
        f.write(HEADER.format(convs=convs, macs=macs, params=params, diff=diff,
                              diffmacs=diffmacs, params3=params - diff, bn=bn))
        f.write("\n".join(lines) + "\n")
    print(f"googlenet: {convs} convs, {macs} MACs, {params} parameters; 3x3 variant "
          f"{params - diff} (+{bn} BN = {params - diff + bn})")


if __name__ == "__main__":
    main()
