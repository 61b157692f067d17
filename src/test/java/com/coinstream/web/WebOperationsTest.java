package com.coinstream.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import graphql.language.Document;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import graphql.validation.ValidationError;
import graphql.validation.Validator;

/**
 * Every operation the front end sends is a .graphql document in src/main/webui/src/graphql, valid against the
 * schema the service serves (the checked-in copy, which SchemaContractTest keeps equal to the served one).
 */
@Tag("fast")
class WebOperationsTest {
    static final Path OPERATIONS = Path.of("src/main/webui/src/graphql");

    @Test
    void everyOperationOfTheFrontEndValidatesAgainstTheSchema() throws IOException {
        TypeDefinitionRegistry types = new SchemaParser().parse(Files.readString(Path.of("src/main/graphql/schema.graphql")));
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
        // The printed schema uses SmallRye's custom scalars without declaring them.
        for (String scalar : List.of("BigInteger", "BigDecimal", "DateTime")) {
            if (!types.scalars().containsKey(scalar)) {
                types.merge(new SchemaParser().parse("scalar " + scalar));
                wiring.scalar(graphql.schema.GraphQLScalarType.newScalar().name(scalar).coercing(new graphql.schema.Coercing<Object, Object>() {
                    @Override
                    public Object parseLiteral(graphql.language.Value<?> input, graphql.execution.CoercedVariables variables,
                            graphql.GraphQLContext context, Locale locale) {
                        return input;
                    }
                }).build());
            }
        }
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(types, wiring.build());
        List<String> problems = new ArrayList<>();
        int count = 0;
        try (Stream<Path> files = Files.list(OPERATIONS)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".graphql")).sorted().toList()) {
                count++;
                Document document = Parser.parse(Files.readString(file));
                List<ValidationError> errors = new Validator().validateDocument(schema, document, Locale.ENGLISH);
                errors.forEach(e -> problems.add(file.getFileName() + ": " + e.getMessage()));
            }
        }
        assertTrue(count >= 40, "only " + count + " operations found");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
