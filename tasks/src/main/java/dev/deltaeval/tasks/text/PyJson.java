package dev.deltaeval.tasks.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code json.dumps(obj, ensure_ascii=False)} and {@code json.dumps(obj, indent=2, ensure_ascii=False)} for
 * a Jackson tree: lm-eval hashes documents with the indented form ({@code doc_hash}) and writes its samples and
 * results with these, so the same bytes need the same separators, escapes and float text.
 */
public final class PyJson {
    private PyJson() {
    }

    /** {@code json.dumps(node, ensure_ascii=False)}: one line, ", " and ": " separators. */
    public static String dumps(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, -1, 0);
        return sb.toString();
    }

    /** {@code json.dumps(node, indent=2, ensure_ascii=False)}. */
    public static String dumpsIndented(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, 2, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode n, int indent, int depth) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue() ? "true" : "false");
        } else if (n.isIntegralNumber()) {
            sb.append(n.bigIntegerValue());
        } else if (n.isNumber()) {
            sb.append(floatRepr(n.doubleValue()));
        } else if (n.isArray()) {
            container(sb, n.elements(), null, indent, depth, '[', ']');
        } else if (n.isObject()) {
            container(sb, null, n.properties().iterator(), indent, depth, '{', '}');
        } else {
            string(sb, n.asText());
        }
    }

    private static void container(StringBuilder sb, Iterator<JsonNode> items, Iterator<Map.Entry<String, JsonNode>> fields,
                                  int indent, int depth, char open, char close) {
        boolean any = items != null ? items.hasNext() : fields.hasNext();
        sb.append(open);
        if (!any) {
            sb.append(close);
            return;
        }
        String itemSeparator = indent < 0 ? ", " : ",";
        boolean first = true;
        while (items != null ? items.hasNext() : fields.hasNext()) {
            if (!first) {
                sb.append(itemSeparator);
            }
            first = false;
            if (indent >= 0) {
                sb.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            if (items != null) {
                write(sb, items.next(), indent, depth + 1);
            } else {
                Map.Entry<String, JsonNode> e = fields.next();
                string(sb, e.getKey());
                sb.append(": ");
                write(sb, e.getValue(), indent, depth + 1);
            }
        }
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
        sb.append(close);
    }

    /** Python's string escapes with ensure_ascii=False: only '"', '\\' and control characters below U+0020. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back to the same double, in fixed notation for
     * decimal exponents -4..15 ("0.0001", "123.0") and scientific otherwise ("1e-05", "1.5e+16"); NaN and the
     * infinities as json.dumps writes them.
     */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int exp = digits.length() - 1 - b.scale();
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exp < -4 || exp >= 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+').append(String.format("%02d", Math.abs(exp)));
        } else if (exp < 0) {
            sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
        } else if (digits.length() <= exp + 1) {
            sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
        } else {
            sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
        }
        return sb.toString();
    }
}
