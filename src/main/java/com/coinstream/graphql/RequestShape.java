package com.coinstream.graphql;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.coinstream.domain.AtOnce;
import com.coinstream.domain.CodedErrors;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Checks a GraphQL POST before SmallRye sees it: the body must be a JSON object with a string "query",
 * and "variables" / "operationName" / "extensions" of the right JSON types; the document must parse
 * within the token limits. Anything else is a 400 with a GraphQL-shaped error and a stable code, instead
 * of a library message (or, for "variables": "text", a 500). Documents that parsed once are remembered.
 */
@ApplicationScoped
public class RequestShape {
    /** The longest operation name taken (a GraphQL name: letters, digits and underscores, not starting with a digit). */
    static final int MAX_OPERATION_NAME = 255;
    private static final java.util.regex.Pattern OPERATION_NAME = java.util.regex.Pattern.compile("[_A-Za-z][_0-9A-Za-z]{0,"
            + (MAX_OPERATION_NAME - 1) + "}");

    private static final JsonFactory JSON = new JsonFactory();
    private static final int REMEMBERED_DOCUMENTS = 2_000;
    /** Documents longer than this are parsed each time, never remembered: the memory stays small whatever clients send. */
    private static final int REMEMBERED_DOCUMENT_CHARS = 4_096;
    /**
     * The longest GraphQL document (the query text, not its variables) taken: large values go in variables. Every
     * document parsed is also kept by SmallRye GraphQL's query cache (its text and syntax tree; {@code Main} bounds how many).
     */
    public static final int MAX_DOCUMENT_CHARS = 65_536;
    private final Map<String, Operations> parsed = new ConcurrentHashMap<>();
    private final String path;
    private final int maxTokens;
    private final int maxWhitespaceTokens;
    private final long maxBodySize;

    /**
     * The largest body COINSTREAM_MAX_BODY_SIZE may allow: a GraphQL request is parsed whole, in memory, and a 16 MiB body
     * already takes about four times that while it is parsed (its bytes, its text, the parsed request), a good part of the
     * container's 144 MiB heap. Bigger settlement reports stream to their own upload.
     */
    public static final long MAX_BODY_SIZE_LIMIT = 16L * 1024 * 1024;
    /** Request-body bytes reserved by the requests being read and answered now (see {@link GraphQLConfig#bodyBudget()}). */
    private final java.util.concurrent.atomic.AtomicLong reserved = new java.util.concurrent.atomic.AtomicLong();
    private final long bodyBudget;
    /**
     * The share of the body budget one client address may hold at once: an eighth of it (and at least one body of the largest
     * size), so that one client opening connections that declare bodies and send none cannot take every place (the deadline
     * frees a place after {@link #BODY_DEADLINE}, but a client that opens new ones as fast holds the budget); the address
     * as the WebSocket caps count it ({@link GraphQLOverWebSocket#clientAddress}).
     */
    private final AtOnce.PerKey perClient;
    private final boolean behindProxy;

    private final jakarta.enterprise.inject.Instance<AdminAttempts> attempts;

    public RequestShape(GraphQLConfig config, jakarta.enterprise.inject.Instance<AdminAttempts> attempts) {
        this.attempts = attempts;
        this.path = config.path();
        this.maxTokens = config.maxTokens();
        this.maxWhitespaceTokens = config.maxWhitespaceTokens();
        this.maxBodySize = config.maxBodySize().asLongValue();
        this.bodyBudget = config.bodyBudget().asLongValue();
        this.behindProxy = config.behindProxy();
        this.perClient = new AtOnce.PerKey(Math.max(bodyBudget / CLIENT_SHARE, maxBodySize), () -> null);
        if (maxBodySize > MAX_BODY_SIZE_LIMIT || maxBodySize < 1024) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_MAX_BODY_SIZE (" + maxBodySize + " bytes) must be between 1K and 16M; bigger "
                    + "settlement reports stream to POST /imports/settlement-reports");
        }
        if (bodyBudget < maxBodySize) {
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_BODY_BUDGET (" + bodyBudget + " bytes) must be at least COINSTREAM_MAX_BODY_SIZE ("
                    + maxBodySize + " bytes): a request of the largest size allowed must fit");
        }
    }

    void install(@Observes Router router) {
        // Vert.x's own default (10 MiB) would cap the documented setting silently: the limit is the operator's
        router.post(path).order(-101).handler(this::reserve);
        router.post(path).order(-100).handler(BodyHandler.create(false).setBodyLimit(maxBodySize));
        router.post(path).order(-99).handler(this::check);
    }

    /**
     * Reserves the request's body in the budget before it is read, until it is answered (or its connection closes): what
     * it declares, or the whole body limit when it does not say (chunked). A request over the limit is left to the body
     * handler's 413; one that does not fit while others are held is refused with 503 and Retry-After, unread.
     */
    void reserve(RoutingContext rc) {
        if (holdBody(rc)) {
            rc.next();
        }
    }

    /**
     * How long a request's body may take to arrive, from its head: a body still arriving then is answered 408 (its
     * connection closed, {@link #refuseUnread}) and its reservation given back, so slow senders cannot keep the budget.
     */
    public static final java.time.Duration BODY_DEADLINE = java.time.Duration.ofSeconds(10);

    /** A Content-Length the budget takes as declared (one compiled pattern: this runs on every request). */
    private static final java.util.regex.Pattern LENGTH = java.util.regex.Pattern.compile("\\d{1,18}");

    /**
     * Reserves {@code rc}'s body in the budget until it has been read ({@link #releaseBody}); false (and the request answered
     * 503) when it does not fit. Whatever reads a GraphQL request's body calls this first. The body must arrive within
     * {@link #BODY_DEADLINE}.
     */
    public boolean holdBody(RoutingContext rc) {
        return holdBody(rc, maxBodySize);
    }

    /**
     * {@link #holdBody(RoutingContext)} for a route whose bodies are at most {@code limit} bytes (its own body handler
     * refuses more): a body without a length reserves that much, not a GraphQL request's largest, so bodies sent in chunks
     * to a small route take no more of the budget than they can hold.
     */
    public boolean holdBody(RoutingContext rc, long limit) {
        String length = rc.request().getHeader("Content-Length");
        long largest = Math.min(limit, maxBodySize);
        long declared = length != null && LENGTH.matcher(length).matches() ? Long.parseLong(length) : largest;
        long size = Math.min(declared, largest);
        String client = GraphQLOverWebSocket.clientAddress(rc, behindProxy);
        if (!perClient.enter(client, size)) {
            rc.response().putHeader("Retry-After", "1");
            refuseUnread(rc, 429, "RATE_LIMITED", "This client address is sending as many request bodies at once as one may (an eighth of "
                    + "COINSTREAM_BODY_BUDGET); send this again once the others are answered");
            return false;
        }
        if (reserved.addAndGet(size) > bodyBudget) {
            reserved.addAndGet(-size);
            perClient.leave(client, size);
            rc.response().putHeader("Retry-After", "1");
            refuseUnread(rc, 503, "RATE_LIMITED", "The service is reading as many request bodies as it holds at once (COINSTREAM_BODY_BUDGET); "
                    + "send this again in a moment");
            return false;
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        long deadline = rc.vertx().setTimer(BODY_DEADLINE.toMillis(), id -> {
            if (!rc.request().isEnded() && !rc.response().ended() && !rc.response().headWritten()) {
                refuseUnread(rc, 408, "BAD_REQUEST", "The request's body did not arrive within " + BODY_DEADLINE.toSeconds() + " s");
            }
        });
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                rc.vertx().cancelTimer(deadline);
                reserved.addAndGet(-size);
                perClient.leave(client, size);
            }
        };
        // given back once the body is read (check(), the next handler, or the caller that read it: releaseBody), or when the
        // exchange ends before that (a 413, the deadline's 408, a connection closed mid-body). (Not when it is answered: the
        // handlers that end handler rides on are set again by SmallRye's, which dropped it and kept the bytes reserved.)
        rc.put(RELEASE, release);
        rc.addEndHandler(done -> release.run());
        return true;
    }

    private static final String RELEASE = "coinstream.body-budget.release";
    /** One client address may hold at most 1/CLIENT_SHARE of the body budget ({@link #perClient}). */
    static final int CLIENT_SHARE = 8;

    /** Gives back {@code rc}'s reservation: its body has been read whole (or given up on). */
    public static void releaseBody(RoutingContext rc) {
        if (rc.get(RELEASE) instanceof Runnable release) {
            release.run();
        }
    }

    /**
     * Refuses a request whose body is not (all) read, and makes sure it goes no further: on HTTP/1 the connection is closed
     * once the answer is written (Vert.x keeps it open whatever the answer's headers say, and the body handler would go on
     * reading, then pass the request on), on HTTP/2 the stream is reset after the answer; and {@link #check} passes
     * nothing on whose answer is already written.
     */
    static void refuseUnread(RoutingContext rc, int status, String code, String message) {
        if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            rc.response().putHeader("Connection", "close");
        }
        refuse(rc, status, code, message).onComplete(written -> abandonBody(rc));
    }

    /**
     * After the answer to a request whose body is not read whole: nothing more of it is waited for. HTTP/1: the connection
     * is closed (the connection's own close, which goes after the answer's bytes: the response's close does nothing when
     * the request itself asked for Connection: close, and Vert.x would then wait for the rest of the body to close it);
     * HTTP/2: the stream is reset with NO_ERROR once its answer is complete, so the client stops sending.
     */
    public static void abandonBody(RoutingContext rc) {
        if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            if ("close".equalsIgnoreCase(rc.response().headers().get("Connection")) || !rc.request().isEnded()) {
                rc.request().connection().close();
            }
        } else if (!rc.request().isEnded()) {
            rc.response().reset(0);
        }
    }

    /** The largest GraphQL request body taken (COINSTREAM_MAX_BODY_SIZE). */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** Request-body bytes {@code client} holds now (for tests). */
    long reservedBy(String client) {
        return perClient.running(client);
    }

    /** Request-body bytes reserved now (for tests). */
    long reserved() {
        return reserved.get();
    }

    void check(RoutingContext rc) {
        releaseBody(rc); // read whole: what the budget bounds is the bodies being read
        if (rc.response().ended()) {
            return; // refused while its body arrived (408): the body handler passes it on all the same, and nothing may run it
        }
        String contentType = rc.request().getHeader("Content-Type");
        // (media types are case-insensitive: GraphQLOverHttp accepts "Application/JSON", so this check must see it too)
        if (contentType != null && "application/graphql".equals(GraphQLOverHttp.mediaType(contentType))) {
            // the body is the document itself: the same length and token limits
            // (strictly UTF-8, as a JSON body is read: a lenient decoding stored a Latin-1 byte as U+FFFD)
            String query = utf8(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
            Problem problem = query == null ? new Problem("BAD_REQUEST", "The request body must be a GraphQL document in UTF-8")
                    : documentProblem(query);
            if (problem != null) {
                // (a body that is not UTF-8 is malformed, 400, as a JSON body's is; a document that does not parse is answered
                // as GraphQL over HTTP says)
                refuse(rc, query == null ? 400 : GraphQLOverHttp.requestErrorStatus(rc), problem.code(), problem.message());
                return;
            }
            // handed on as the JSON request it stands for: SmallRye reads application/graphql itself only in lower case,
            // and deletes its line breaks first (a # comment then swallowed the document; "id\ndisplayName" became one name);
            // then checked as that JSON request is (the document is remembered: not parsed again)
            ((io.vertx.ext.web.impl.RoutingContextInternal) rc).setBody(io.vertx.core.buffer.Buffer.buffer(
                    new JsonObject().put("query", query).encode()));
            rc.request().headers().set("Content-Type", "application/json");
        } else if (contentType != null && !"application/json".equals(GraphQLOverHttp.mediaType(contentType))) {
            rc.next(); // form posts and the rest: SmallRye's own handling (GraphQLOverHttp answers 415)
            return;
        }
        Read read = read(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
        // a subscription is a WebSocket's: graphql-java would run it and answer its publisher object as the data
        Problem problem = read.problem() == null && read.couldRun(graphql.language.OperationDefinition.Operation.SUBSCRIPTION)
                ? SUBSCRIPTION_OVER_POST : read.problem();
        if (problem != null) {
            int status = "BAD_REQUEST".equals(problem.code()) ? 400 : GraphQLOverHttp.requestErrorStatus(rc);
            if (!"BAD_REQUEST".equals(problem.code())) {
                refuse(rc, status, problem.code(), problem.message()); // (a document too large or unreadable names nothing it can run)
                return;
            }
            // a request refused for its shape (its variables no object, its operation name no name) that names admin
            // mutations is an attempt at them: recorded as refused, as every attempt is, before it is answered
            JsonObject request;
            try {
                request = rc.body().buffer() == null ? null : new JsonObject(rc.body().buffer());
            } catch (RuntimeException notAnObject) {
                request = null;
            }
            if (request == null || !(request.getValue("query") instanceof String)) {
                refuse(rc, status, problem.code(), problem.message());
                return;
            }
            io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
            AdminAttempts audit = attempts.get();
            audit.refusedRequest(request.getValue("query"), request.getValue("operationName"), request.getValue("variables"), audit.who(rc),
                    problem.code()).subscribe().with(v -> context.runOnContext(x -> refuse(rc, status, problem.code(), problem.message())));
            return;
        }
        // the body was read as UTF-8 JSON here (RFC 8259): SmallRye reads it so too, whatever charset the header names (an
        // unknown one threw, a 500; UTF-16 or Latin-1 decoded the same bytes into other text)
        rc.request().headers().set("Content-Type", "application/json");
        rc.next();
    }

    /**
     * The first value of the query parameter {@code name} of {@code rc}'s request, percent-decoded as strict UTF-8
     * ({@code +} a space), or null when there is none. IllegalArgumentException when any of the query is not valid URL encoding
     * (a malformed escape, a byte that is not printable ASCII) or a value's bytes are not UTF-8: Vert.x's own decoding
     * makes such bytes U+FFFD, so two different values would be read as one.
     */
    public static String queryParam(RoutingContext rc, String name) {
        String query = rc.request().query();
        if (query == null) {
            return null;
        }
        String found = null;
        for (String pair : query.split("&")) { // (every pair is decoded: a malformed one anywhere refuses the query)
            int eq = pair.indexOf('=');
            String key = percentDecoded(eq < 0 ? pair : pair.substring(0, eq));
            String value = percentDecoded(eq < 0 ? "" : pair.substring(eq + 1));
            if (found == null && name.equals(key)) {
                found = value;
            }
        }
        return found;
    }

    /** An ASCII hex digit's value, else -1 (Character.digit also takes other scripts' digits, as in "%\u0663\u0663"). */
    private static int hexDigit(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static String percentDecoded(String encoded) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? hexDigit(encoded.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hexDigit(encoded.charAt(i + 2));
                if (lo < 0) {
                    throw new IllegalArgumentException("a malformed escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7F) {
                bytes.write(c == '+' ? ' ' : c);
            } else {
                throw new IllegalArgumentException("a character that is not escaped");
            }
        }
        String decoded = utf8(bytes.toByteArray());
        if (decoded == null) {
            throw new IllegalArgumentException("bytes that are not UTF-8");
        }
        return decoded;
    }

    /** The body as UTF-8 text, or null when it is not well-formed UTF-8 (never repaired with U+FFFD). */
    static String utf8(byte[] body) {
        try {
            return com.coinstream.domain.Text.strictUtf8().decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** A GraphQL request's body as read: its problem (null for none), and its query, operation name and operations when it has them. */
    record Read(Problem problem, String query, String operationName, Operations operations) {
        /**
         * Whether the request could run an operation of {@code type}: the named one, or, with no name (null or blank, which
         * graphql-java reads as none), any of the document's (graphql-java runs the only one, and refuses a document of
         * several without a name). False for a request with a problem.
         */
        boolean couldRun(graphql.language.OperationDefinition.Operation type) {
            return operations != null && operations.couldRun(operationName == null || operationName.isBlank() ? null : operationName, type);
        }
    }

    static final Problem SUBSCRIPTION_OVER_POST = new Problem("BAD_REQUEST",
            "Subscriptions are sent over a WebSocket to this endpoint (graphql-transport-ws); an HTTP POST carries queries and mutations");

    /**
     * What is wrong with a GraphQL request (a POST's body, or a WebSocket subscribe message's payload): not a JSON object
     * with a string "query", "variables" and "extensions" objects and a string "operationName" (BAD_REQUEST), or a
     * document that does not parse within the token limits (its problem; null when nothing is); and what it asks.
     */
    Read read(byte[] body) {
        String problem;
        String query = null;
        String operationName = null;
        // read as UTF-8 text first (RFC 8259): Jackson would take UTF-16 or UTF-32 bytes without a mark as JSON too, which
        // SmallRye then failed to read (answering "Unparseable request", uncoded)
        String text = utf8(body);
        if (text == null) {
            return new Read(new Problem("BAD_REQUEST", "The request body must be JSON in UTF-8"), null, null, null);
        }
        try (JsonParser p = JSON.createParser(text)) {
            // a byte order mark: this parser skips it, SmallRye's does not (it answered "Unparseable request", uncoded)
            boolean bom = body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf;
            problem = bom ? "The request body must be JSON without a byte order mark"
                    : p.nextToken() != JsonToken.START_OBJECT ? "The request body must be a JSON object" : null;
            while (problem == null && p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "query" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            problem = "\"query\" must be a string holding a GraphQL document";
                        } else {
                            query = p.getText();
                        }
                    }
                    case "variables", "extensions" -> {
                        if (value != JsonToken.START_OBJECT && value != JsonToken.VALUE_NULL) {
                            problem = "\"" + field + "\" must be a JSON object";
                        }
                    }
                    case "operationName" -> {
                        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                            problem = "\"operationName\" must be a string";
                        } else if (value == JsonToken.VALUE_STRING && !p.getText().isBlank() && !OPERATION_NAME.matcher(p.getText()).matches()) {
                            // (a blank one is no name, as graphql-java reads it; anything else is echoed in its errors)
                            problem = "\"operationName\" must be the name of an operation of the document: a GraphQL name of at most "
                                    + MAX_OPERATION_NAME + " characters";
                        } else {
                            // (the last one counts, as for SmallRye's reading of the same body: a later null clears it)
                            operationName = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        }
                    }
                    default -> {
                    }
                }
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            if (problem == null && query == null) {
                problem = "The request has no \"query\"";
            }
        } catch (IOException e) {
            problem = "The request body is not valid JSON";
        }
        if (problem != null) {
            return new Read(new Problem("BAD_REQUEST", problem), query, operationName, null);
        }
        Parsed parsed = parse(query);
        return new Read(parsed.problem(), query, operationName, parsed.operations());
    }

    /** Why a request is refused before SmallRye sees it: a stable code and a message for the client. */
    public record Problem(String code, String message) {
    }

    /** Whether a GraphQL document parses within the token limits; null when it does. */
    private Problem documentProblem(String query) {
        return parse(query).problem();
    }

    /** A document parsed: its problem (null for none), or what it holds. */
    record Parsed(Problem problem, Operations operations) {
    }

    private Parsed parse(String query) {
        String problem;
        if (query.length() > MAX_DOCUMENT_CHARS) {
            problem = "More than the allowed " + MAX_DOCUMENT_CHARS + " characters: the document is too large (send large values as variables)";
        } else {
            try {
                return new Parsed(null, operations(query));
            } catch (graphql.parser.exceptions.ParseCancelledException e) {
                problem = "More than the allowed number of tokens: the document is too large";
            } catch (InvalidSyntaxException e) {
                problem = "The GraphQL document does not parse: " + e.getMessage();
            } catch (RuntimeException e) {
                problem = "The GraphQL document does not parse";
            }
        }
        return new Parsed(new Problem(problem.startsWith("More than") ? "QUERY_TOO_COMPLEX" : "GRAPHQL_PARSE_FAILED", problem), null);
    }

    /**
     * What the shape check keeps of a document: the kinds of operation it holds, and the names of its mutations and
     * subscriptions (a few bytes, whatever the document: remembered for up to {@value #REMEMBERED_DOCUMENTS} of them).
     */
    record Operations(java.util.Set<graphql.language.OperationDefinition.Operation> kinds, java.util.Set<String> mutations,
            java.util.Set<String> subscriptions) {
        /** Whether the named operation (null: any of them) is a mutation or a subscription, as {@code type} asks. */
        boolean couldRun(String name, graphql.language.OperationDefinition.Operation type) {
            if (name == null) {
                return kinds.contains(type);
            }
            return switch (type) {
                case MUTATION -> mutations.contains(name);
                case SUBSCRIPTION -> subscriptions.contains(name);
                default -> throw new IllegalArgumentException("named operations are kept for mutations and subscriptions: " + type);
            };
        }
    }

    /** What {@code query} holds, parsed within the token limits (remembered for a short document); throws when it does not parse. */
    private Operations operations(String query) {
        Operations known = parsed.get(query);
        if (known != null) {
            return known;
        }
        ParserOptions options = ParserOptions.getDefaultOperationParserOptions().transform(o -> o.maxTokens(maxTokens)
                .maxWhitespaceTokens(maxWhitespaceTokens).captureSourceLocation(false).captureLineComments(false));
        var kinds = java.util.EnumSet.noneOf(graphql.language.OperationDefinition.Operation.class);
        java.util.Set<String> mutations = new java.util.HashSet<>();
        java.util.Set<String> subscriptions = new java.util.HashSet<>();
        for (var o : new Parser().parseDocument(ParserEnvironment.newParserEnvironment().document(query).parserOptions(options).build())
                .getDefinitionsOfType(graphql.language.OperationDefinition.class)) {
            kinds.add(o.getOperation());
            if (o.getName() != null && o.getOperation() == graphql.language.OperationDefinition.Operation.MUTATION) {
                mutations.add(o.getName());
            } else if (o.getName() != null && o.getOperation() == graphql.language.OperationDefinition.Operation.SUBSCRIPTION) {
                subscriptions.add(o.getName());
            }
        }
        Operations operations = new Operations(java.util.Collections.unmodifiableSet(kinds), java.util.Set.copyOf(mutations),
                java.util.Set.copyOf(subscriptions));
        if (query.length() <= REMEMBERED_DOCUMENT_CHARS) {
            if (parsed.size() > REMEMBERED_DOCUMENTS) {
                parsed.clear();
            }
            parsed.put(query, operations);
        }
        return operations;
    }

    static io.vertx.core.Future<Void> refuse(RoutingContext rc, int status, String code, String message) {
        return rc.response().setStatusCode(status).putHeader("Content-Type", GraphQLOverHttp.media(rc) + "; charset=utf-8")
                .end(CodedErrors.encoded(code, message));
    }
}
