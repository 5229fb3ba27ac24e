package dev.deltaeval.tasks.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Expected strings are CPython 3.11's json.dumps / repr output for the same values. */
class PyJsonTest {
    @Test
    void floatReprIsPythons() {
        double[] xs = {1.0, -0.0, 0.0001, 0.00001234, 123.456, 1e16, 1.5e16, 123456789012345.6, -3.2e-05, 0.1, 2.5e-300,
            1e22, Double.NaN};
        String[] python = {"1.0", "-0.0", "0.0001", "1.234e-05", "123.456", "1e+16", "1.5e+16", "123456789012345.6",
            "-3.2e-05", "0.1", "2.5e-300", "1e+22", "NaN"};
        for (int i = 0; i < xs.length; i++) {
            assertEquals(python[i], PyJson.floatRepr(xs[i]), "repr of " + xs[i]);
        }
    }

    @Test
    void dumpsMatchesPythonsSeparatorsIndentAndEscapes() throws Exception {
        ObjectNode o = (ObjectNode) new ObjectMapper().readTree("{\"a\": [1, 2, {\"b\": []}], \"c\": {}, \"d\": "
                + "\"\u00e9\\\"\\\\\\n\\u0001\\u2028\"}");
        // json.dumps({'a':[1,2,{'b':[]}],'c':{},'d':'é"\\\n\x01\u2028'}, indent=2, ensure_ascii=False)
        assertEquals("{\n  \"a\": [\n    1,\n    2,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {},\n"
                + "  \"d\": \"\u00e9\\\"\\\\\\n\\u0001\u2028\"\n}", PyJson.dumpsIndented(o));
        assertEquals("{\"a\": [1, 2, {\"b\": []}], \"c\": {}, \"d\": \"\u00e9\\\"\\\\\\n\\u0001\u2028\"}",
                PyJson.dumps(o));
    }
}
