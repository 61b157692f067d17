package com.coinstream.graphql;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The served schema must equal the checked-in copy, so every API change shows up as a reviewed diff.
 * After an intended change: ./mvnw test -Dtest=SchemaContractTest -Dschema.update=true
 */
@QuarkusTest
class SchemaContractTest {
    static final Path CHECKED_IN = Path.of("src/main/graphql/schema.graphql");

    @Test
    void servedSchemaMatchesTheCheckedInCopy() throws Exception {
        String served = given().get("/graphql/schema.graphql").then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("schema.update")) {
            Files.createDirectories(CHECKED_IN.getParent());
            Files.writeString(CHECKED_IN, served);
        }
        assertEquals(Files.readString(CHECKED_IN), served,
                "The GraphQL schema changed. Review the diff, then run: ./mvnw test -Dtest=SchemaContractTest -Dschema.update=true");
    }
}
