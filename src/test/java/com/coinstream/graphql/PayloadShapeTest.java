package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import graphql.language.Document;
import graphql.language.FieldDefinition;
import graphql.language.NonNullType;
import graphql.language.ObjectTypeDefinition;
import graphql.parser.Parser;

/**
 * Every mutation payload can carry a refusal: besides its userErrors, each of its fields may be null. The input gate
 * (InputGate) answers bad input in the payload only then; a payload with a non-null field got a top-level error and
 * {@code data: null} instead (placeHold's userId did).
 */
@Tag("fast")
class PayloadShapeTest {
    @Test
    void everyFieldBesideUserErrorsIsNullable() throws Exception {
        Document schema = new Parser().parseDocument(Files.readString(Path.of("src/main/graphql/schema.graphql")));
        List<String> nonNull = new ArrayList<>();
        int payloads = 0;
        for (ObjectTypeDefinition type : schema.getDefinitionsOfType(ObjectTypeDefinition.class)) {
            if (type.getFieldDefinitions().stream().noneMatch(f -> f.getName().equals("userErrors"))) {
                continue;
            }
            payloads++;
            for (FieldDefinition f : type.getFieldDefinitions()) {
                if (!f.getName().equals("userErrors") && f.getType() instanceof NonNullType) {
                    nonNull.add(type.getName() + "." + f.getName());
                }
            }
        }
        assertEquals(true, payloads > 20, "payloads found: " + payloads);
        assertEquals(List.of(), nonNull);
    }
}
