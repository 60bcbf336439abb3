package dev.twophase.platform;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Request bodies are read as text and parsed here, so malformed JSON, duplicate keys and
 * trailing garbage become a 400 saying where, before any field is looked at.
 */
public final class StrictJson {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private StrictJson() {
    }

    public static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("the request body is empty; send a JSON document", List.of());
        }
        try {
            return STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw ProblemException.badRequest("malformed JSON: " + e.getOriginalMessage() + where,
                    List.of(new FieldError(pathOf(e), e.getOriginalMessage())));
        }
    }

    /** Where the parser was when it failed, as a JSON path ({@code $.task.modulus} for {@code "modulus": NaN}). */
    private static String pathOf(JsonProcessingException e) {
        JsonParser parser = e instanceof StreamReadException read ? read.getProcessor() : null;
        if (parser == null) {
            return "$";
        }
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            } else if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        return "$" + String.join("", parts);
    }
}
