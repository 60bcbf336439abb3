package dev.twophase.experiment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The spec's {@code tags}: short labels to find experiments by, checked like the name. */
final class Tags {

    static final int MAX_COUNT = 20;
    static final int MAX_LENGTH = 64;

    private Tags() {
    }

    /** The tags as given (empty when absent); every bad entry is a violation at {@code $.tags[i]}. */
    static List<String> read(JsonFields in, ObjectNode spec) {
        JsonNode value = JsonFields.value(spec, "tags");
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            in.add("$.tags", "must be an array of strings, got " + JsonFields.describe(value));
            return List.of();
        }
        if (value.size() > MAX_COUNT) {
            in.add("$.tags", "must hold at most " + MAX_COUNT + " tags, got " + value.size());
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < value.size(); i++) {
            String at = "$.tags[" + i + "]";
            JsonNode tag = value.get(i);
            if (!tag.isTextual()) {
                in.add(at, "must be a string, got " + JsonFields.describe(tag));
                continue;
            }
            String text = tag.textValue();
            int length = text.codePointCount(0, text.length());
            if (text.isBlank()) {
                in.add(at, "must not be blank");
            } else if (length > MAX_LENGTH) {
                in.add(at, "must be at most " + MAX_LENGTH + " characters, got " + length);
            } else if (text.codePoints().anyMatch(Character::isISOControl)) {
                in.add(at, "must not contain control characters");
            } else if (!seen.add(text)) {
                in.add(at, "repeats the tag \"" + text + "\"");
            } else {
                tags.add(text);
            }
        }
        return List.copyOf(tags);
    }
}
