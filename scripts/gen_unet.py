#!/usr/bin/env python3
"""Writes workloads/unet.ini, the explicit layer list of the 2015 U-Net
(Ronneberger et al.), and prints its MACs and parameters as a check.
Run from the repository root: python3 scripts/gen_unet.py"""

HEADER = """\
; U-Net (Ronneberger, Fischer and Brox, MICCAI 2015), one 572x572x1 image,
; 2 output classes, int8. Written by scripts/gen_unet.py; edit that and
; rerun, or edit by hand.
;
; Contracting path: per level two valid 3x3 convs (pad 0: each loses 2
; rows and columns) and a 2x2/2 maxpool, widths 64, 128, 256, 512, then
; 1024 at the bottom. Expanding path: per level a 2x2/2 up-convolution
; halving the channels, a concat with the encoder map of the same level
; cropped to size, and two valid 3x3 convs; a final 1x1 conv to 2 classes.
; Output 388x388x2. {convs} convs (the paper's 23), {nlayers} layers.
; Each ReLU is folded into its conv; there is no batch norm.
;
; Up-convolution: a 2x2 transposed conv with stride 2 from h x w x c to
; 2h x 2w x k gives each output pixel exactly one tap of one input pixel:
; k*c*4*h*w MACs and k*c*4 weights, which is a 1x1 conv from c to 4k
; channels at h x w followed by a free depth-to-space (pixel shuffle). It is
; written so (u4.up etc.), with shuffle=2 for the depth-to-space: MACs,
; weights and output elements (4k*h*w = k*2h*2w) are exact, and its output
; is shaped k x 2h x 2w, as the concat after it reads it.
; Its k biases are folded into the next conv's bias (exact: the next conv is
; valid, so every output sees a constant shift per channel), so it has none.
;
; Skip connection: the concat (uN.cat) is a relu reading in=up,encoder
; (several inputs are concatenated) sized as the up-conv's output plus the
; CROP of the encoder map (2 x k x 2h x 2w); crop=1 says that its inputs may
; be larger than 2h x 2w, and its 1 vector op per element stands for the
; copy. The crop is free, but mcmsim carries the encoder layer's whole
; output along the edge, so the concat reads more bytes than it keeps:
; 64x64 for a 56x56 crop at level 4 (1.3x), 568x568 for 392x392 at level 1
; (2.1x) on the encoder half.
;
; {macs:,} MACs; {params:,} parameters (conv weights and biases); the
; paper's network has {paper:,} with the {upbias} up-conv biases.

[model]
name = unet
elem_bytes = 1

[layers]
; NAME = KIND key=value ...  (the input is the layer above unless in= says)
"""


def main():
    lines = []
    macs = params = convs = 0

    def layer(name, text):
        lines.append(f"{name:<9} = {text}")

    def conv(name, k, c, r, h, pad=0, src=None):
        """A conv with bias, no padding unless PAD; returns the output size."""
        nonlocal macs, params, convs
        p = h + 2 * pad - r + 1
        macs += k * c * r * r * p * p
        params += k * c * r * r + k
        convs += 1
        text = f"conv k={k} c={c} r={r} h={h} w={h} pad={pad} bias=1"
        text += f" in={src}" if src else ""
        layer(name, text)
        return p

    h, c, skips = 572, 1, []
    for lvl, width in enumerate([64, 128, 256, 512], 1):
        lines.append(f"; level {lvl} down: {h}x{h}x{c} -> {h - 4}x{h - 4}x{width}, pooled")
        h = conv(f"d{lvl}.c1", width, c, 3, h)
        h = conv(f"d{lvl}.c2", width, width, 3, h)
        skips.append((f"d{lvl}.c2", h))
        layer(f"d{lvl}.pool", f"maxpool c={width} h={h} w={h} r=2 stride=2")
        h, c = h // 2, width
        lines.append("")
    lines.append(f"; bottom: {h}x{h}x{c} -> {h - 4}x{h - 4}x1024")
    h = conv("mid.c1", 1024, c, 3, h)
    h = conv("mid.c2", 1024, 1024, 3, h)
    c = 1024
    upbias = 0
    for lvl in (4, 3, 2, 1):
        k = c // 2
        enc, eh = skips[lvl - 1]
        lines.append("")
        lines.append(f"; level {lvl} up: {h}x{h}x{c} -> {2 * h}x{2 * h}x{k}, concat with "
                     f"{enc} ({eh}x{eh} cropped to {2 * h}x{2 * h}), 2 convs")
        # the up-conv as a 1x1 conv to 4k channels (see the header)
        layer(f"u{lvl}.up", f"conv k={4 * k} c={c} r=1 h={h} w={h} shuffle=2   ; = 2x2/2 "
                           f"up-conv to {2 * h}x{2 * h}x{k}")
        macs += 4 * k * c * h * h
        params += 4 * k * c
        convs += 1
        upbias += k
        h *= 2
        layer(f"u{lvl}.cat", f"relu c={2 * k} h={h} w={h} crop=1 in=u{lvl}.up,{enc}   ; the "
                            f"concat")
        h = conv(f"u{lvl}.c1", k, 2 * k, 3, h)
        h = conv(f"u{lvl}.c2", k, k, 3, h)
        c = k
    lines.append("")
    lines.append(f"; output: {h}x{h}x2")
    conv("out", 2, c, 1, h)
    nlayers = sum(1 for s in lines if s and not s.startswith(";"))
    with open("workloads/unet.ini", "w") as f:
        f.write(HEADER.format(convs=convs, nlayers=nlayers, macs=macs, params=params,
                              paper=params + upbias, upbias=upbias))
        f.write("\n".join(lines) + "\n")
    print(f"unet: {convs} convs, {nlayers} layers, {macs} MACs, {params} parameters "
          f"(+{upbias} up-conv biases = {params + upbias}), output {h}x{h}x2")


if __name__ == "__main__":
    main()
