package dev.deltaeval.deltanet.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deltaeval.deltanet.config.DeltaNetVariant;
import dev.deltaeval.deltanet.config.ModelConfig;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.model.ModelCheckpoint;
import dev.deltaeval.model.ModelFamily;
import dev.deltaeval.model.ModelInfo;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** fla's DeltaNet, Gated DeltaNet and (Gated) DeltaProduct classes, registered as one family. */
public final class DeltaNetFamily implements ModelFamily {
    public static final String NAME = "deltanet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> modelTypes() {
        Set<String> types = new TreeSet<>();
        for (DeltaNetVariant v : DeltaNetVariant.values()) {
            types.add(v.modelType());
        }
        types.addAll(DeltaNetVariant.ALIASES.keySet());
        return types;
    }

    @Override
    public ModelCheckpoint open(Path dir, JsonNode config) {
        return DeltaNetCheckpoint.open(dir, config);
    }

    /** What the analyses see of a DeltaNet-family config. */
    public static ModelInfo info(ModelConfig c) {
        return new ModelInfo(NAME, c.family().modelType(), c.summary(), c.numLayers(), c.hiddenSize(), c.vocabSize(),
                c.maxPositionEmbeddings(), c.bosTokenId(), c.eosTokenId());
    }
}
