package dev.deltaeval.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The JNA binding declares exactly the C header's functions, with the Java types JNA maps the C types to. */
class NativeApiTest {
    private static final Path HEADER = Path.of("src/main/native/include/deltaeval_native.h");
    private static final Map<String, String> C_TO_JAVA = Map.of("int32_t", "int", "int64_t", "long",
            "const char*", "String", "int64_t*", "long[]", "int32_t*", "int[]", "void", "",
            "float", "float");

    private static String java(String cType) {
        String t = cType.trim().replaceAll("\\s+\\*", "*").replaceAll("\\s+[A-Za-z_0-9]+$", "");
        String mapped = C_TO_JAVA.get(t);
        if (mapped == null) {
            throw new AssertionError("no JNA mapping listed for C type '" + t + "' in " + HEADER);
        }
        return mapped;
    }

    private static Map<String, String> headerFunctions() throws IOException {
        String text = Files.readString(HEADER).replaceAll("/\\*.*?\\*/", " ");
        Matcher m = Pattern.compile("^\\s*((?:const\\s+)?[a-z0-9_]+\\s*\\*?)\\s*(de_[a-z0-9_]+)\\(([^)]*)\\);",
                Pattern.MULTILINE | Pattern.DOTALL).matcher(text);
        Map<String, String> out = new TreeMap<>();
        while (m.find()) {
            String params = Arrays.stream(m.group(3).split(",")).map(NativeApiTest::java).filter(s -> !s.isEmpty())
                    .collect(Collectors.joining(", "));
            out.put(m.group(2), java(m.group(1) + " x") + " (" + params + ")");
        }
        return out;
    }

    private static Map<String, String> bindingFunctions() {
        Map<String, String> out = new TreeMap<>();
        for (Method method : NativeApi.class.getDeclaredMethods()) {
            if (Modifier.isNative(method.getModifiers())) {
                out.put(method.getName(), method.getReturnType().getSimpleName() + " (" + Arrays.stream(
                        method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")");
            }
        }
        return out;
    }

    @Test
    void theBindingMatchesTheHeader() throws IOException {
        Map<String, String> header = headerFunctions();
        assertEquals(14, header.size(), "functions read from " + HEADER + ": " + header);
        assertEquals(header, bindingFunctions());
    }

    @Test
    void theAbiVersionsAgree() throws IOException {
        Matcher m = Pattern.compile("#define DE_ABI_VERSION (\\d+)").matcher(Files.readString(HEADER));
        assertEquals(true, m.find());
        assertEquals(Integer.parseInt(m.group(1)), NativeApi.ABI_VERSION);
    }
}
