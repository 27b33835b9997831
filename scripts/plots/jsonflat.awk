# jsonflat.awk: any JSON document (pretty-printed or on one line, as mcmsim
# writes them: its --json output, its --trace file) as one line per scalar,
# "PATH<TAB>VALUE", e.g.
#   .links[3].name	x0y0->x1y0
#   .traceEvents[17].dur	7988.744
# Strings lose their quotes (\" \\ \/ are undone, \n and \t become spaces, so
# a value stays on its line; \uXXXX is kept as it is); numbers and
# true/false/null are copied; empty arrays and objects give no line. The
# figures' scripts read this form with awk, so no JSON tool is needed (POSIX
# awk; mawk is fine).
# Usage: awk -f scripts/plots/jsonflat.awk FILE.json
function emit(v) { print path() "\t" v }
function path(   i, p) {
    p = ""
    for (i = 1; i <= depth; i++)
        p = p (kind[i] == "[" ? "[" idx[i] "]" : "." key[i])
    return p
}
function unquote(s) {
    s = substr(s, 2, length(s) - 2)
    gsub(/\\\\/, "\001", s)   # an escaped backslash first, so that "\\n" stays a backslash and an n
    gsub(/\\"/, "\"", s); gsub(/\\\//, "/", s); gsub(/\\n/, " ", s); gsub(/\\t/, " ", s)
    gsub(/\001/, "\\", s)
    return s
}
# A value was read in the current container: an array moves to its next index.
function value_done() { if (depth > 0 && kind[depth] == "[") idx[depth]++ }
{ buf = buf $0 "\n" }
END {
    n = length(buf); pos = 1; depth = 0; want_key = 0
    while (pos <= n) {
        c = substr(buf, pos, 1)
        if (c == " " || c == "\n" || c == "\t" || c == "\r" || c == ",") { pos++; continue }
        if (c == "{" || c == "[") {
            kind[++depth] = c; idx[depth] = 0; key[depth] = ""
            want_key = (c == "{"); pos++; continue
        }
        if (c == "}" || c == "]") { depth--; value_done(); pos++; want_key = (depth > 0 && kind[depth] == "{"); continue }
        if (c == ":") { pos++; continue }
        if (c == "\"") {
            rest = substr(buf, pos, 4096)
            if (!match(rest, /^"([^"\\]|\\.)*"/)) { print "jsonflat: bad string at " pos > "/dev/stderr"; exit 2 }
            tok = substr(rest, 1, RLENGTH); pos += RLENGTH
            if (want_key) { key[depth] = unquote(tok); want_key = 0; continue }
            emit(unquote(tok)); value_done(); want_key = (kind[depth] == "{"); continue
        }
        rest = substr(buf, pos, 64)
        if (!match(rest, /^[-+0-9.eEtruefalsn]+/)) { print "jsonflat: unexpected '" c "' at " pos > "/dev/stderr"; exit 2 }
        emit(substr(rest, 1, RLENGTH)); pos += RLENGTH; value_done(); want_key = (depth > 0 && kind[depth] == "{")
    }
}
