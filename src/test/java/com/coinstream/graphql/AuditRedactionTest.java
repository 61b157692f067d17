package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the audit log keeps of an input: no secrets, no tokens, no credentials in URLs. */
@Tag("fast")
class AuditRedactionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String redacted(String input) throws Exception {
        JsonNode tree = JSON.readTree(input);
        AdminActionInterceptor.redact(tree);
        return tree.toString();
    }

    @Test
    void secretsTokensAndPasswordsAreRedactedAtAnyDepth() throws Exception {
        assertEquals("{\"userId\":\"u1\",\"secret\":\"[redacted]\",\"nested\":[{\"externalToken\":\"[redacted]\",\"password\":\"[redacted]\"}],"
                + "\"reason\":\"r\",\"apiKeyCredential\":\"[redacted]\",\"authorization\":\"[redacted]\",\"token\":null}",
                redacted("{\"userId\":\"u1\",\"secret\":\"whsec_x\",\"nested\":[{\"externalToken\":\"pp_123\",\"password\":\"p\"}],"
                        + "\"reason\":\"r\",\"apiKeyCredential\":\"k\",\"authorization\":\"Bearer x\",\"token\":null}"));
    }

    @Test
    void aUrlKeepsSchemeHostPortAndPathOnly() throws Exception {
        assertEquals("{\"url\":\"https://hooks.example.com:8443/in\"}", redacted("{\"url\":\"https://bob:pw@hooks.example.com:8443/in?sig=abc#frag\"}"));
        assertEquals("{\"url\":\"[redacted]\"}", redacted("{\"url\":\"not a url with spaces\"}"));
    }
}
