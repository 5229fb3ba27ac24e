package dev.deltaeval.common;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading users' data files: text strictly as UTF-8 with the place of a bad byte, JSON with no size caps. */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * A JSON mapper for data (documents, pages): Jackson caps a string at 20 M characters by default, which a long
     * page of a long-context corpus exceeds; data files are read line by line, so lines are bounded anyway.
     */
    public static ObjectMapper jsonMapper() {
        JsonMapper mapper = JsonMapper.builder().build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE).maxNumberLength(10_000).build());
        return mapper;
    }

    /** The whole file as UTF-8 text; invalid UTF-8 is an error naming the file and the byte offset. */
    public static String readUtf8(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new DeltaEvalException(file + ": not valid UTF-8 (bad byte at offset " + in.position() + ")");
        }
    }

    /** Receives a file's lines in order, numbered from 1. */
    @FunctionalInterface
    public interface LineConsumer {
        void accept(int number, String line) throws IOException;
    }

    /**
     * Each line of a UTF-8 text file (without its '\n' or "\r\n"); a line that is not valid UTF-8 is an error
     * naming the file and that line (a reader decoding ahead in blocks could only name a line near it).
     */
    public static void forEachUtf8Line(Path file, LineConsumer consumer) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int number = 0;
            int b;
            boolean pending = false;
            while ((b = in.read()) != -1 || pending) {
                if (b == -1 || b == '\n') {
                    number++;
                    byte[] bytes = line.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    String text;
                    try {
                        text = decoder.decode(ByteBuffer.wrap(bytes, 0, len)).toString();
                    } catch (CharacterCodingException e) {
                        throw new DeltaEvalException(file + " line " + number + ": not valid UTF-8");
                    }
                    consumer.accept(number, text);
                    line.reset();
                    pending = false;
                    if (b == -1) {
                        break;
                    }
                } else {
                    line.write(b);
                    pending = true;
                }
            }
        }
    }
}
