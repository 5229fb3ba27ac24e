package dev.deltaeval.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The special tokens lm-eval records in its results ({@code tokenizer_pad_token}, {@code _eos_token},
 * {@code _bos_token}, {@code eot_token_id}), as its HFLM sees them: BOS and EOS from the model's config ids, and a pad
 * token that is the tokenizer's own, else its unknown token (HFLM's fallback), else EOS.
 *
 * @param pad [token text or null, id as text or "None"] like lm-eval's pairs
 */
public record TokenizerInfo(String padText, Integer padId, String eosText, int eosId, String bosText, int bosId) {

    /** Reads tokenizer.json (and tokenizer_config.json beside it, when present) for the token texts. */
    public static TokenizerInfo read(Path tokenizerJson, int bos, int eos) {
        JsonNode tok = readJson(tokenizerJson);
        JsonNode cfg = tokenizerJson == null ? null : readJson(tokenizerJson.resolveSibling("tokenizer_config.json"));
        String pad = cfg == null ? null : text(cfg.get("pad_token"));
        Integer padId = pad == null ? null : idOf(tok, pad);
        if (pad == null && tok != null && tok.path("model").hasNonNull("unk_token")) {
            pad = tok.path("model").get("unk_token").asText();
            padId = idOf(tok, pad);
        }
        if (pad == null) {
            pad = textOf(tok, eos);
            padId = eos;
        }
        return new TokenizerInfo(pad, padId, textOf(tok, eos), eos, textOf(tok, bos), bos);
    }

    private static JsonNode readJson(Path p) {
        if (p == null || !Files.isRegularFile(p)) {
            return null;
        }
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            return null; // the tokenizer itself was loaded already; these names are only recorded
        }
    }

    /** A tokenizer_config.json token: a string, or an AddedToken object with "content". */
    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? n.path("content").asText(null) : n.asText();
    }

    private static String textOf(JsonNode tok, int id) {
        if (tok == null) {
            return null;
        }
        for (JsonNode t : tok.path("added_tokens")) {
            if (t.path("id").asInt(-1) == id) {
                return t.path("content").asText();
            }
        }
        JsonNode vocab = tok.path("model").path("vocab");
        for (var e : vocab.properties()) {
            if (e.getValue().isInt() && e.getValue().asInt() == id) {
                return e.getKey();
            }
        }
        return null;
    }

    private static Integer idOf(JsonNode tok, String text) {
        if (tok == null) {
            return null;
        }
        for (JsonNode t : tok.path("added_tokens")) {
            if (text.equals(t.path("content").asText())) {
                return t.path("id").asInt();
            }
        }
        JsonNode v = tok.path("model").path("vocab").get(text);
        return v != null && v.isInt() ? v.asInt() : null;
    }
}
