#!/usr/bin/env python3
"""Writes workloads/resnet50.ini, the explicit layer list of torchvision's
ResNet-50 v1.5, and prints its MACs and parameters as a check.
Run from the repository root: python3 scripts/gen_resnet50.py"""

HEADER = """\
; ResNet-50 (torchvision v1.5), one 224x224x3 image, int8.
; Written by scripts/gen_resnet50.py; edit that and rerun, or edit by hand.
;
; Bottleneck blocks of 1x1, 3x3, 1x1 convs; the first block of each stage has
; a 1x1 projection shortcut (down), and in stages 2-4 its 3x3 conv and its
; shortcut have stride 2 (v1.5; v1 put the stride on the first 1x1).
; Batch norm is folded into the convs and each ReLU into the conv or add
; before it: both are cheap elementwise work next to the convs.
; Convs pad (r-1)/2 unless they say otherwise ("same" at stride 1).
; {convs} convs + 1 FC: {macs:,} MACs; {params:,} parameters (conv
; weights, FC weights and bias; torchvision's {torch:,} adds {bn:,} of
; batch norm, a scale and a shift per conv output channel).

[model]
name = resnet50
elem_bytes = 1

[layers]
; NAME = KIND key=value ...  (the input is the layer above unless in= says)
"""


def main():
    lines = []
    macs = params = convs = bn = 0

    def layer(name, text):
        lines.append(f"{name:<10} = {text}")

    def conv(name, k, c, r, h, stride=1, src=None):
        nonlocal macs, params, convs, bn
        pad = (r - 1) // 2
        p = (h + 2 * pad - r) // stride + 1
        macs += k * c * r * r * p * p
        params += k * c * r * r
        convs += 1
        bn += 2 * k
        text = f"conv k={k} c={c} r={r} h={h} w={h}"
        if stride != 1:
            text += f" stride={stride}"
        if src:
            text += f" in={src}"
        layer(name, text)
        return p

    h = conv("conv1", 64, 3, 7, 224, stride=2)
    layer("pool1", f"maxpool c=64 h={h} w={h} r=3 stride=2 pad=1")
    h = (h + 2 - 3) // 2 + 1
    prev, cin = "pool1", 64
    for stage, (blocks, width) in enumerate(zip([3, 4, 6, 3], [64, 128, 256, 512]), 1):
        lines.append("")
        lines.append(f"; stage {stage}: {blocks} blocks, width {width}, output {4 * width}")
        for b in range(blocks):
            n = f"l{stage}.{b}"
            stride = 2 if b == 0 and stage > 1 else 1
            conv(f"{n}.c1", width, cin, 1, h)
            out = conv(f"{n}.c2", width, width, 3, h, stride)
            conv(f"{n}.c3", 4 * width, width, 1, out)
            shortcut = prev
            if b == 0:
                conv(f"{n}.down", 4 * width, cin, 1, h, stride, src=prev)
                shortcut = f"{n}.down"
            layer(f"{n}.add", f"add c={4 * width} h={out} w={out} in={n}.c3,{shortcut}")
            prev, cin, h = f"{n}.add", 4 * width, out
    lines.append("")
    layer("pool", f"avgpool c={cin} h={h} w={h}   ; global: the window defaults to h x w")
    layer("fc", f"matmul m=1 k={cin} n=1000 bias=1")
    macs += cin * 1000
    params += cin * 1000 + 1000
    with open("workloads/resnet50.ini", "w") as f:
        f.write(HEADER.format(convs=convs, macs=macs, params=params, bn=bn, torch=params + bn))
        f.write("\n".join(lines) + "\n")
    print(f"resnet50: {convs} convs, {macs} MACs, {params} parameters (+{bn} BN = {params + bn})")


if __name__ == "__main__":
    main()
