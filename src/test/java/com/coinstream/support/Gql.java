package com.coinstream.support;

import static io.restassured.RestAssured.given;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Sends GraphQL operations over HTTP as a web client would. */
public final class Gql {
    private Gql() {
    }

    public static Response post(String token, String query, Map<String, Object> variables) {
        return postTo(null, token, query, variables);
    }

    /** POST to the instance listening on {@code port} (null: the one under test). */
    public static Response postTo(Integer port, String token, String query, Map<String, Object> variables) {
        Map<String, Object> body = new HashMap<>();
        body.put("query", query);
        if (variables != null) {
            body.put("variables", variables);
        }
        var spec = given().contentType(ContentType.JSON).accept(ContentType.JSON).body(body);
        if (port != null) {
            spec = spec.port(port);
        }
        if (token != null) {
            spec = spec.header("Authorization", "Bearer " + token);
        }
        return spec.when().post("/graphql");
    }

    /** Run an operation that must not produce top-level errors; returns the JSON. */
    public static JsonPath ok(String token, String query, Map<String, Object> variables) {
        Response r = post(token, query, variables);
        JsonPath json = r.jsonPath();
        List<?> errors = json.getList("errors");
        if (r.statusCode() != 200 || (errors != null && !errors.isEmpty())) {
            throw new AssertionError("GraphQL call failed: HTTP " + r.statusCode() + " " + r.asString());
        }
        return json;
    }

    public static JsonPath ok(String token, String query) {
        return ok(token, query, null);
    }

    /** The first top-level error's extensions.code. */
    public static String errorCode(Response r) {
        return r.jsonPath().getString("errors[0].extensions.code");
    }

    public static Map<String, Object> vars(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static Map<String, Object> input(Object... kv) {
        return vars("input", vars(kv));
    }
}
