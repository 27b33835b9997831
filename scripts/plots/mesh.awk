# mesh.awk: the link table of `simulate --json` or `traffic --json` (through
# jsonflat.awk) as gnuplot data for mesh.gp. The platform file gives the mesh
# size, where each chiplet sits (`at = X,Y`) and which chiplet each DRAM
# channel hangs on (`chiplet = NAME`); the JSON gives every link's kind and
# utilisation. Writes into DIR:
#   routers.dat  X Y                                  one line per router
#   mesh.dat     X Y DX DY UTIL% MIDX MIDY            a directed mesh link (an arrow
#                                                     beside its opposite, to its right)
#   ports.dat    X Y DX DY UTIL%                      an endpoint's inject (endpoint ->
#                                                     router) or eject port (router -> endpoint)
#   ends.dat     X Y NAME KIND UTIL%                  a chiplet (UTIL% -1) or a DRAM
#                                                     channel (its own utilisation)
#   meta         W H MAXUTIL%
# Usage: awk -v dir=DIR -f scripts/plots/mesh.awk PLATFORM.ini FLAT.txt
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]*(;.*)?$/, "", s); return s }
function max(a, b) { return a > b ? a : b }
FNR == 1 { file++ }
file == 1 && /^\[/ {
    sect = $0; gsub(/^\[[ \t]*|[ \t]*\].*$/, "", sect); split(sect, w, /[ \t]+/)
    stype = w[1]; sname = w[2]; next
}
file == 1 && /=/ {
    k = trim(substr($0, 1, index($0, "=") - 1)); v = trim(substr($0, index($0, "=") + 1))
    if (stype == "package" && k == "mesh") { split(v, m, "x"); W = m[1] + 0; H = m[2] + 0 }
    if (stype == "chiplet" && k == "at") { split(v, m, ","); cx[sname] = m[1] + 0; cy[sname] = m[2] + 0 }
    if (stype == "dram" && k == "chiplet") dchip[sname] = v
    next
}
file == 2 {
    split($0, f, "\t")
    if (!match(f[1], /^\.links\[[0-9]+\]\./)) next
    i = substr(f[1], 8, RLENGTH - 9) + 0; field = substr(f[1], RLENGTH + 1)
    if (i + 1 > nl) nl = i + 1
    if (field == "name") lname[i] = f[2]
    else if (field == "kind") lkind[i] = f[2]
    else if (field == "utilization") lutil[i] = f[2] * 100
}
# An endpoint's position: a chiplet up and right of its router, a DRAM channel
# outside the mesh beside its chiplet's router (a second one further out).
function place(e, kind,   c, n) {
    if (e in ex) return 1
    if (kind == "dram") {
        c = dchip[e]; if (!(c in cx)) return 0
        n = ++ndram[c]; d = 0.2 + 0.28 * n; rx[e] = cx[c]; ry[e] = cy[c]
        if (cx[c] == 0) { ex[e] = rx[e] - d; ey[e] = ry[e] - 0.2 }
        else if (cx[c] == W - 1) { ex[e] = rx[e] + d; ey[e] = ry[e] - 0.2 }
        else if (cy[c] == 0) { ex[e] = rx[e] - 0.2; ey[e] = ry[e] - d }
        else { ex[e] = rx[e] - 0.2; ey[e] = ry[e] + d }
    } else {
        if (!(e in cx)) return 0
        ex[e] = cx[e] + 0.3; ey[e] = cy[e] + 0.3; rx[e] = cx[e]; ry[e] = cy[e]
    }
    ekind[e] = kind; eorder[++ne] = e; eutil[e] = -1
    return 1
}
# An arrow from (x1,y1) to (x2,y2), cut by a at each end and moved by o to its right.
function arrow(out, x1, y1, x2, y2, a, o, util, mid,   dx, dy, len, ux, uy, sx, sy) {
    dx = x2 - x1; dy = y2 - y1; len = sqrt(dx * dx + dy * dy); ux = dx / len; uy = dy / len
    sx = x1 + a * ux + o * uy; sy = y1 + a * uy - o * ux
    printf "%.4f %.4f %.4f %.4f %.3f", sx, sy, (len - 2 * a) * ux, (len - 2 * a) * uy, util > out
    if (mid) printf " %.4f %.4f", x1 + dx / 2 + 2.6 * o * uy, y1 + dy / 2 - 2.6 * o * ux > out
    printf "\n" > out
}
END {
    if (W < 1 || H < 1) { print "mesh.awk: no [package] mesh in the platform file" > "/dev/stderr"; exit 2 }
    if (nl == 0) { print "mesh.awk: no links[] in the JSON" > "/dev/stderr"; exit 2 }
    for (y = 0; y < H; y++) for (x = 0; x < W; x++) print x, y > (dir "/routers.dat")
    printf "" > (dir "/mesh.dat"); printf "" > (dir "/ports.dat")
    mx = 0
    for (i = 0; i < nl; i++) {
        n = lname[i]; u = lutil[i]; mx = max(mx, u)
        if (lkind[i] == "mesh") {
            if (split(n, p, /x|y|->/) < 5) continue   # "xAyB->xCyD" splits to "", A, B, "", C, D
            arrow(dir "/mesh.dat", p[2], p[3], p[5], p[6], 0.16, 0.06, u, 1)
        } else if (lkind[i] == "dram") {
            if (place(n, "dram")) eutil[n] = u
        } else if (lkind[i] == "inject" || lkind[i] == "eject") {
            e = n; sub(/\.(inject|eject)$/, "", e)
            k = (e in dchip) ? "dram" : "chiplet"
            if (!place(e, k)) continue
            if (lkind[i] == "inject") arrow(dir "/ports.dat", ex[e], ey[e], rx[e], ry[e], 0.07, 0.035, u, 0)
            else arrow(dir "/ports.dat", rx[e], ry[e], ex[e], ey[e], 0.07, 0.035, u, 0)
        }
    }
    for (j = 1; j <= ne; j++) { e = eorder[j]; printf "%.4f %.4f %s %s %.3f\n", ex[e], ey[e], e, ekind[e], eutil[e] > (dir "/ends.dat") }
    print W, H, mx > (dir "/meta")
}
