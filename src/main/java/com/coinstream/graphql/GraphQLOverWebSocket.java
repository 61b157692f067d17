package com.coinstream.graphql;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.coinstream.domain.CodedErrors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.smallrye.graphql.runtime.SmallRyeAuthGraphQLTransportWSSubprotocolHandler;
import io.quarkus.smallrye.graphql.runtime.SmallRyeAuthGraphQLWSSubprotocolHandler;
import io.quarkus.smallrye.graphql.runtime.SmallRyeGraphQLOverWebSocketHandler;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.graphql.websocket.GraphQLWebSocketSession;
import io.smallrye.graphql.websocket.GraphQLWebsocketHandler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * GraphQL over WebSocket (graphql-transport-ws, and the legacy graphql-ws), in front of SmallRye's subprotocol handlers,
 * so that a WebSocket client meets the same edge as an HTTP one:
 * <ul>
 * <li>A mutation is not taken over a WebSocket (an error, BAD_REQUEST: it is sent as an HTTP POST): every operation of
 * one connection shares the connection's request state, where an admin mutation keeps what its audit record says.</li>
 * <li>A subscribe message's payload goes through {@link RequestShape}: a document that does not parse or is over the
 * token limit, or a payload of the wrong shape, is answered with an {@code error} message carrying
 * {@code GRAPHQL_PARSE_FAILED}, {@code QUERY_TOO_COMPLEX} or {@code BAD_REQUEST}, as over HTTP (SmallRye alone answered
 * "Unparseable input document" with no code).</li>
 * <li>A message over the size limit (one frame over {@value #MAX_FRAME} bytes, or several adding up to more than
 * {@value #MAX_MESSAGE}) closes the connection with 1009 and a reason. Vert.x turns Netty's close-on-violation off
 * and SmallRye only logs the exception, so the client saw the connection drop (1006).</li>
 * <li>A message's type is one of the protocol's, exactly as written, and no object names a field twice; else 4400.</li>
 * <li>What connections and subscriptions hold of the heap is bounded ({@link WebSocketMemory}: past it, an upgrade is
 * refused with 503, a subscription with RATE_LIMITED), and SmallRye knows each operation by an id of the connection's
 * own, never the client's.</li>
 * <li>At most {@value #MAX_OPERATIONS} subscriptions at once on one connection: one more is answered with an
 * {@code error} message carrying {@code RATE_LIMITED}, the connection kept.</li>
 * <li>A client that does not read what it is sent is closed (1013, try again later) once {@value #MAX_BEHIND} bytes wait
 * for it, or once it has {@link UnreadOutput#SLOW} or more waiting while the instance's connections together hold
 * {@link #MAX_BEHIND_ALL} unread
 * ({@link UnreadOutput}): SmallRye asks for the next event as soon as it has written one, so without this the unread events of every
 * subscription would pile up in the connection's send queue. A client that connects again catches up from its last
 * sequence (the feeds' {@code after}).</li>
 * </ul>
 * Everything else (authentication in connection_init, the identity's expiry, the protocols themselves) is SmallRye's
 * and Quarkus' own handlers, created here the way Quarkus' {@link SmallRyeGraphQLOverWebSocketHandler} creates them. This
 * route comes just before Quarkus' (same path), which then never sees an upgrade.
 */
@ApplicationScoped
public class GraphQLOverWebSocket {
    private static final Logger LOG = Logger.getLogger(GraphQLOverWebSocket.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** Vert.x's defaults, which this service keeps: the largest frame and the largest message a client may send. */
    static final int MAX_FRAME = HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE;
    static final int MAX_MESSAGE = HttpServerOptions.DEFAULT_MAX_WEBSOCKET_MESSAGE_SIZE;
    /** RFC 6455: the message is too big to process. */
    static final short MESSAGE_TOO_BIG = 1009;
    /** RFC 6455: try again later. */
    static final short TRY_AGAIN_LATER = 1013;
    /** graphql-transport-ws: a subscribe with the id of an operation that still runs. */
    static final short SUBSCRIBER_EXISTS = 4409;
    static final int MAX_OPERATIONS = 25;
    /** The message types a client sends, exactly as written (graphql-transport-ws; the legacy graphql-ws). */
    static final Set<String> TYPES = Set.of("connection_init", "ping", "pong", "subscribe", "complete");
    static final Set<String> LEGACY_TYPES = Set.of("connection_init", "start", "stop", "connection_terminate");
    /** The largest connection_init message: SmallRye keeps its payload for as long as the connection lasts. */
    static final int MAX_INIT = 16 * 1024;
    /**
     * Connections one person may have open at once on an instance, acknowledged (their own tabs: room, studio, overlay);
     * each may hold up to {@link #MAX_BEHIND} bytes waiting for a client that does not read, so one person's hundreds
     * could outgrow the heap. Connections without a token are not a person's: they can read nothing of anyone's.
     */
    static final int MAX_CONNECTIONS_PER_PERSON = 10;
    private static final com.coinstream.domain.AtOnce.PerKey CONNECTIONS = new com.coinstream.domain.AtOnce.PerKey(MAX_CONNECTIONS_PER_PERSON,
            () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED, "too many connections"));
    /**
     * Connections without a person (signed-out rooms, stream overlays, which show their key per subscription) acknowledged
     * at once on an instance from one client address: each may hold {@link #MAX_BEHIND} bytes for a client that does not
     * read, as a person's may, and nobody's count bounded them. Per address, so one client cannot take every place (a
     * single pool of 1,000 let anyone shut every overlay out); the address is the proxy's unless the operator lets Quarkus
     * read the forwarded one (README).
     */
    static final int MAX_ANONYMOUS_PER_ADDRESS = 50;
    /** Connections without a person at once on an instance, from all addresses: the backstop. */
    static final int MAX_ANONYMOUS_CONNECTIONS = 10_000;
    private static final String NOBODY = "";
    private static final com.coinstream.domain.AtOnce.PerKey ANONYMOUS = new com.coinstream.domain.AtOnce.PerKey(MAX_ANONYMOUS_CONNECTIONS,
            () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED, "too many connections"));
    private static final com.coinstream.domain.AtOnce.PerKey ANONYMOUS_BY_ADDRESS = new com.coinstream.domain.AtOnce.PerKey(
            MAX_ANONYMOUS_PER_ADDRESS, () -> new com.coinstream.domain.Refusal(com.coinstream.domain.ErrorCode.RATE_LIMITED, "too many connections"));
    /** How long a connection may take to be acknowledged (graphql-transport-ws' connectionInitWaitTimeout). */
    static final java.time.Duration INIT_TIMEOUT = java.time.Duration.ofSeconds(10);
    static final int MAX_BEHIND = 1024 * 1024;
    /**
     * Unread output of every connection of the instance together: the connection caps above times {@link #MAX_BEHIND} is
     * gigabytes, so past this a connection holding unread output is closed (1013) rather than given more.
     */
    static final long MAX_BEHIND_ALL = 16L * 1024 * 1024;
    private static final UnreadOutput UNREAD = new UnreadOutput(MAX_BEHIND, MAX_BEHIND_ALL);
    private final String path;
    private final RequestShape shape;
    private final boolean behindProxy;

    private final jakarta.enterprise.inject.Instance<AdminAttempts> attempts;
    /** What connections and subscriptions may hold of the heap at once ({@link WebSocketMemory}). */
    private final WebSocketMemory memory;

    public GraphQLOverWebSocket(GraphQLConfig config, RequestShape shape, jakarta.enterprise.inject.Instance<AdminAttempts> attempts) {
        this.attempts = attempts;
        this.memory = new WebSocketMemory(config.websocketBudget().map(io.quarkus.runtime.configuration.MemorySize::asLongValue)
                .orElseGet(WebSocketMemory::defaultBudget));
        this.path = config.path();
        this.behindProxy = config.behindProxy();
        this.shape = shape;
    }

    void install(@Observes Router router, CurrentIdentityAssociation identities, CurrentVertxRequest requests) {
        // The name of connection_init's token field, as Quarkus' own handler reads it.
        Optional<String> initPayloadToken = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.smallrye-graphql.authorization-client-init-payload-name", String.class);
        // -100: before Quarkus' own WebSocket route (-99, right after the authorization filter), which is then left only
        // requests that are not upgrades (and passes them on); after authentication (-200). The authorization filter
        // shares this order: it checks quarkus.http.auth.permission policies, of which this service configures none.
        router.get(path).order(-100).handler(new Upgrade(identities, requests, initPayloadToken));
    }

    /** Quarkus' handler, with {@link #doHandle} opening the connection through the checks above. */
    final class Upgrade extends SmallRyeGraphQLOverWebSocketHandler {
        private final Optional<String> initPayloadToken;

        Upgrade(CurrentIdentityAssociation identities, CurrentVertxRequest requests, Optional<String> initPayloadToken) {
            super(identities, requests, false, initPayloadToken);
            this.initPayloadToken = initPayloadToken;
        }

        @Override
        protected void doHandle(RoutingContext ctx) {
            if (!ctx.request().headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true) || ctx.request().isEnded()) {
                ctx.next();
                return;
            }
            if (ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)
                    || !"0".equals(ctx.request().headers().get(HttpHeaders.CONTENT_LENGTH) == null ? "0" : ctx.request().headers().get(HttpHeaders.CONTENT_LENGTH).strip())) {
                // (Vert.x opens the socket once the body has arrived: a body held back until the token expired opened a
                // connection whose expiry was already past, so no timer closed it)
                RequestShape.refuseUnread(ctx, 400, "BAD_REQUEST", "A WebSocket upgrade carries no body");
                return;
            }
            String address = clientAddress(ctx, behindProxy);
            // its weight on the heap from the upgrade until it closes; none left (the instance's, or its address's share):
            // refused before the upgrade, so a refused connection holds nothing while it would close
            WebSocketMemory.Connection held = memory.open(address);
            if (held == null) {
                ctx.response().putHeader("Retry-After", "5");
                RequestShape.refuseUnread(ctx, 503, "RATE_LIMITED",
                        "This instance holds as many WebSocket connections as its memory allows (or this client address's share of it); try again later");
                return;
            }
            java.util.Map<String, Object> metaData;
            try { // (the weight is given back whatever fails before the upgrade's callback takes it over)
                metaData = getMetaData(ctx);
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
            ctx.request().toWebSocket(opened -> {
                if (opened.failed()) {
                    held.close();
                    LOG.debugf("WebSocket upgrade failed: %s", opened.cause().getMessage());
                    return;
                }
                ServerWebSocket socket = opened.result();
                // (every return below closes it; and one closed before its handler was set gives its weight back now)
                socket.closeHandler(v -> held.close());
                if (socket.isClosed()) {
                    held.close();
                    return;
                }
                if (expiresWithin(ctx, 100)) {
                    // (its token expired while the upgrade was under way: Quarkus' expiry timer needs a delay ahead)
                    socket.close((short) 1008, "Authentication expired");
                    return;
                }
                // the person, once authenticated (a token in the upgrade's header, or in connection_init): checked on every
                // acknowledgement (a connection taken without a token may authenticate with a second connection_init),
                // and their place given back when it closes
                Place place = new Place(address);
                Session session = new Session(socket, held, () -> {
                    String who = person(ctx);
                    if (!place.admit(who)) {
                        return place.refusal(who);
                    }
                    if (who != null) {
                        held.person();
                    }
                    return null;
                });
                // a connection not acknowledged within INIT_TIMEOUT (no connection_init, or one whose token never
                // authenticated: Quarkus then answers nothing) is closed as graphql-transport-ws says (4408); the
                // server's pings would otherwise keep it open for ever
                long initTimer = ctx.vertx().setTimer(INIT_TIMEOUT.toMillis(), t -> {
                    if (!session.acknowledged) {
                        session.close((short) 4408, "Connection initialisation timeout");
                    }
                });
                String protocol = socket.subProtocol();
                GraphQLWebsocketHandler handler;
                if ("graphql-transport-ws".equals(protocol)) {
                    handler = new SmallRyeAuthGraphQLTransportWSSubprotocolHandler(session, metaData, ctx, this, initPayloadToken);
                } else if ("graphql-ws".equals(protocol)) {
                    handler = new SmallRyeAuthGraphQLWSSubprotocolHandler(session, metaData, ctx, this, initPayloadToken);
                } else {
                    socket.close((short) 4406, "Subprotocol not acceptable: use graphql-transport-ws");
                    return;
                }
                boolean legacy = !"graphql-transport-ws".equals(protocol);
                // an operation SmallRye refused with an error is also stopped in its own table (its error paths leave it
                // there: a connection's endless refused subscribes grew it without bound), by the id SmallRye knows it by,
                // which is never used again
                io.vertx.core.Context here = io.vertx.core.Vertx.currentContext();
                session.refused = internal -> here.runOnContext(v -> {
                    if (!socket.isClosed()) {
                        handler.onMessage("{\"id\":\"" + internal + "\",\"type\":\"" + (legacy ? "stop" : "complete") + "\"}");
                    }
                });
                socket.closeHandler(v -> {
                    held.close();
                    place.close();
                    ctx.vertx().cancelTimer(initTimer);
                    handler.onClose();
                });
                socket.endHandler(v -> handler.onEnd());
                AtomicBoolean refused = new AtomicBoolean();
                socket.exceptionHandler(t -> {
                    if (tooBig(t)) {
                        // (the rest of a message refused mid-way may still arrive, as if it were a message: it is dropped)
                        refused.set(true);
                        session.close(MESSAGE_TOO_BIG, "Message too big: a message may have at most " + MAX_MESSAGE + " bytes, a frame "
                                + MAX_FRAME);
                    } else if (t instanceof HttpClosedException) {
                        LOG.debugf("WebSocket connection closed: %s", session);
                    } else {
                        handler.onThrowable(t);
                    }
                });
                // text frames only: a binary one was dropped without a word
                socket.binaryMessageHandler(b -> session.close((short) 4400, "Invalid message: this protocol is sent as text frames"));
                socket.textMessageHandler(text -> {
                    if (refused.get()) {
                        return;
                    }
                    JsonNode message = read(text);
                    if (message == null) {
                        // (fail closed: a message these checks cannot read never reaches SmallRye, whose parser may take
                        // what Jackson refused, a number of a thousand digits, and run it unchecked)
                        session.close((short) 4400, "Invalid message");
                        return;
                    }
                    if (!(legacy ? LEGACY_TYPES : TYPES).contains(message.path("type").isTextual() ? message.path("type").asText() : "")) {
                        // (SmallRye reads a message's type in any case, "Subscribe" as "subscribe", and the checks here,
                        // like Quarkus' authentication, read it exactly: such a message ran unchecked, under the client's id)
                        session.close((short) 4400, "Invalid message: unknown type");
                        return;
                    }
                    Operation op = operation(message);
                    if (text.length() > MAX_INIT && "connection_init".equals(message.path("type").asText())) {
                        // (SmallRye keeps the payload for the connection's life: a token is a few KiB)
                        session.close((short) 4400, "A connection_init message may have at most " + MAX_INIT + " characters");
                        return;
                    }
                    if (op != null && op.started(legacy) && !session.acknowledged) {
                        // (graphql-transport-ws: a subscribe before the connection is acknowledged closes it, 4401; it was
                        // answered, by this class's checks, and parsed)
                        session.close((short) 4401, "Unauthorized");
                        return;
                    }
                    if (op != null && op.started(legacy) && held.isRunning(op.id())) {
                        // graphql-transport-ws: a subscribe with the id of an operation still running closes the connection
                        // (4409), before any check here: a refusal of it (an "error" for that id) would free the running
                        // operation's place, which SmallRye keeps running, and the cap would count nothing
                        session.close(SUBSCRIBER_EXISTS, "Subscriber for " + op.id() + " already exists");
                        return;
                    }
                    String refusal = refusal(message, legacy);
                    if (refusal == null) {
                        // SmallRye knows each operation by an id of this connection's own (WebSocketMemory.Connection)
                        String forward = text;
                        if (op != null && op.started(legacy)) {
                            if (held.size() >= MAX_OPERATIONS) {
                                session.sendOwn(error(op.id(), legacy, "RATE_LIMITED", "At most " + MAX_OPERATIONS
                                        + " subscriptions at once on one connection; complete one first"));
                                return;
                            }
                            String who = person(ctx);
                            String full = held.start(op.id(), who != null ? "person " + who : "address " + address,
                                    WebSocketMemory.SUBSCRIPTION + WebSocketMemory.PER_MESSAGE_CHAR * text.length());
                            if (full != null) {
                                session.sendOwn(error(op.id(), legacy, "RATE_LIMITED", full));
                                return;
                            }
                            String internal = held.internalOf(op.id());
                            if (internal == null) {
                                return; // (the connection closed meanwhile)
                            }
                            forward = withId(text, internal);
                        } else if (op != null && op.stopped(legacy)) {
                            String internal = held.endedByClient(op.id());
                            if (internal == null) {
                                return; // (nothing of that id runs: nothing to stop)
                            }
                            forward = withId(text, internal);
                        }
                        try {
                            handler.onMessage(forward);
                        } catch (RuntimeException malformed) {
                            // a message SmallRye cannot read ({"type":1}, a connection_init whose payload is no object): it
                            // threw, answered nothing and left the client waiting for ever; the protocol's answer is 4400
                            LOG.debugf("malformed WebSocket message: %s", malformed.toString());
                            session.close((short) 4400, "Invalid message");
                        }
                    } else if (!refusal.isEmpty()) {
                        // answered at once, in the order of the client's messages (SmallRye never saw it)
                        session.sendOwn(refusal);
                        // and a refused request that names admin mutations (one sent here instead of as a POST, say) is
                        // an attempt at them: recorded as refused, as every attempt is (a document too large or unreadable
                        // names nothing it can run, and is not parsed again)
                        String code = codeOf(refusal);
                        if ("BAD_REQUEST".equals(code)) {
                            JsonNode payload = message.get("payload");
                            AdminAttempts audit = attempts.get();
                            audit.refusedRequest(payload.path("query").isTextual() ? payload.get("query").asText() : null,
                                    payload.get("operationName"), payload.get("variables"), audit.who(ctx), code)
                                    .subscribe().with(v -> {
                                    });
                        }
                    } else {
                        session.close((short) 4400, "A subscribe message needs a string id of 1-" + StrictScalars.MAX_ID_LENGTH
                                + " characters and an object payload");
                    }
                });
            });
        }
    }

    /**
     * {@code text} as JSON, read once for every check here; null when these checks cannot read it (the protocol's messages
     * all are JSON), or when a name appears twice in one object: a reader that takes the first and one that takes the
     * last would see two different messages (an id rewritten here and another one run by SmallRye).
     */
    static JsonNode read(String text) {
        try {
            return STRICT.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    /** A connection's place among its person's {@link #MAX_CONNECTIONS_PER_PERSON}: taken at most once, given back once, at its close. */
    static final class Place {
        /** The client's address (as Quarkus reads it: the forwarded one when the operator allows it). */
        private final String address;
        private String held;
        private boolean closed;

        /** Whether a place among nobody's connections is held (until the connection authenticates, or closes). */
        private boolean nobodys;

        Place(String address) {
            this.address = address == null ? "" : address;
        }

        /**
         * Whether the connection may be acknowledged as {@code who}'s (null: nobody's, while nobody's from its address, and
         * in all, have a place left).
         */
        synchronized boolean admit(String who) {
            if (who == null) {
                if (held != null || nobodys) {
                    return true;
                }
                if (closed || !ANONYMOUS_BY_ADDRESS.enter(address)) {
                    return false;
                }
                if (!ANONYMOUS.enter(NOBODY)) {
                    ANONYMOUS_BY_ADDRESS.leave(address);
                    return false;
                }
                nobodys = true;
                return true;
            }
            if (who.equals(held)) {
                return true;
            }
            if (closed || held != null || !CONNECTIONS.enter(who)) {
                return false;
            }
            held = who;
            if (nobodys) { // (authenticated by a second connection_init: a person's now)
                leaveNobodys();
            }
            return true;
        }

        private void leaveNobodys() {
            nobodys = false;
            ANONYMOUS.leave(NOBODY);
            ANONYMOUS_BY_ADDRESS.leave(address);
        }

        /** Why {@link #admit} refused {@code who}. */
        synchronized String refusal(String who) {
            if (who != null) {
                return "At most " + MAX_CONNECTIONS_PER_PERSON + " connections per person at once; close one first";
            }
            return ANONYMOUS_BY_ADDRESS.running(address) >= MAX_ANONYMOUS_PER_ADDRESS
                    ? "At most " + MAX_ANONYMOUS_PER_ADDRESS + " connections without a token at once from one address; close one first"
                    : "At most " + MAX_ANONYMOUS_CONNECTIONS + " connections without a token at once here; try again later";
        }

        synchronized void close() {
            closed = true;
            if (nobodys) {
                leaveNobodys();
            }
            if (held != null) {
                CONNECTIONS.leave(held);
                held = null;
            }
        }
    }

    /** The authenticated person of the connection's request (null: no token, or none authenticated yet). */
    static String person(io.vertx.ext.web.RoutingContext ctx) {
        if (ctx.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser user && user.getSecurityIdentity() != null
                && !user.getSecurityIdentity().isAnonymous()) {
            // (the token's subject, as Caller reads it: a principal's name may be a username its owner chose)
            return user.getSecurityIdentity().getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt && jwt.getSubject() != null
                    ? jwt.getSubject() : user.getSecurityIdentity().getPrincipal().getName();
        }
        return null;
    }

    /**
     * The client's address, as the caps of connections without a token count it: the peer's, or behind a proxy the last
     * entry of X-Forwarded-For (the nearest proxy's addition; the first is the client's own say); an IPv6 address by its
     * /64 (one client holds a whole one).
     */
    static String clientAddress(io.vertx.ext.web.RoutingContext ctx, boolean behindProxy) {
        String address = null;
        if (behindProxy) {
            String forwarded = ctx.request().headers().get("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                address = hops[hops.length - 1].strip();
            }
        }
        if (address == null || address.isEmpty()) {
            io.vertx.core.net.SocketAddress peer = ctx.request().remoteAddress();
            address = peer == null ? "" : peer.hostAddress() != null ? peer.hostAddress() : String.valueOf(peer.host());
        }
        return clientKey(address);
    }

    /** What an IPv6 literal may hold (compiled once: every request body's reservation reads its client's address). */
    private static final java.util.regex.Pattern IPV6_LITERAL = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** An address as one client: an IPv6 one by its first four groups (its /64), any other as it is. */
    static String clientKey(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (a.indexOf(':') < 0 || !IPV6_LITERAL.matcher(a).matches()) { // (a literal only: getByName never looks a name up then)
            return a;
        }
        try {
            byte[] bytes = java.net.InetAddress.getByName(a).getAddress();
            if (bytes.length != 16) {
                return a;
            }
            return java.util.HexFormat.of().formatHex(bytes, 0, 8) + "/64";
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }

    /** The upgrade's token expires within {@code millis} from now (or has expired). */
    static boolean expiresWithin(io.vertx.ext.web.RoutingContext ctx, long millis) {
        if (ctx.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser user && user.getSecurityIdentity() != null
                && user.getSecurityIdentity().getAttribute("quarkus.identity.expire-time") instanceof Long expires) {
            return expires * 1000 - System.currentTimeMillis() < millis;
        }
        return false;
    }

    /** The longest close reason RFC 6455 allows (a control frame's 125 bytes, less the status code's two). */
    static final int MAX_CLOSE_REASON = 123;

    /**
     * {@code reason} cut to {@link #MAX_CLOSE_REASON} bytes of UTF-8, whole characters only: a longer one (a 4409's, which
     * names the client's id) made a close frame browsers refuse (they report 1002 or 1006 instead of the code).
     */
    static String closeReason(String reason) {
        if (reason == null || reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_CLOSE_REASON) {
            return reason;
        }
        int end = reason.length();
        while (reason.substring(0, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_CLOSE_REASON - 3) {
            end = Character.isLowSurrogate(reason.charAt(end - 1)) && end > 1 ? end - 2 : end - 1;
        }
        return reason.substring(0, end) + "...";
    }

    static boolean tooBig(Throwable t) {
        return t instanceof CorruptedWebSocketFrameException frame && frame.closeStatus() != null
                && frame.closeStatus().code() == MESSAGE_TOO_BIG
                || t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("max message size");
    }

    /**
     * For a subscribe message whose payload {@link RequestShape} refuses, the error message to answer with; "" for a
     * subscribe message with no id (or one longer than an ID) or no payload (the protocol's answer is to close, 4400); null
     * for anything else, which SmallRye's handler reads as it always did.
     */
    String refusal(JsonNode message, boolean legacy) {
        if (!message.isObject() || !(legacy ? "start" : "subscribe").equals(message.path("type").asText())) {
            return null;
        }
        JsonNode id = message.get("id");
        JsonNode payload = message.get("payload");
        if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > StrictScalars.MAX_ID_LENGTH
                || payload == null || !payload.isObject()) {
            return "";
        }
        RequestShape.Read read;
        try {
            read = shape.read(JSON.writeValueAsBytes(payload));
        } catch (Exception e) {
            read = new RequestShape.Read(new RequestShape.Problem("BAD_REQUEST", "The subscribe message's payload is not a GraphQL request"),
                    null, null, null);
        }
        RequestShape.Problem problem = read.problem();
        if (problem == null) {
            return read.couldRun(graphql.language.OperationDefinition.Operation.MUTATION) ? error(id.asText(), legacy, "BAD_REQUEST",
                    "Mutations are sent as an HTTP POST to the GraphQL endpoint; a WebSocket carries subscriptions and queries") : null;
        }
        return error(id.asText(), legacy, problem.code(), problem.message());
    }

    /** The code of a refusal this class made ({@link #error}): BAD_REQUEST if it names none. */
    static String codeOf(String refusal) {
        try {
            JsonNode code = JSON.readTree(refusal).findValue("code");
            return code != null && code.isTextual() ? code.asText() : "BAD_REQUEST";
        } catch (Exception e) {
            return "BAD_REQUEST";
        }
    }

    /** An error message for operation {@code id}, in the connection's protocol. */
    static String error(String id, boolean legacy, String code, String message) {
        JsonObject error = CodedErrors.error(code, message);
        return new JsonObject().put("id", id).put("type", "error")
                .put("payload", legacy ? error : new JsonArray().add(error)).encode();
    }

    /** A message's type and operation id. */
    record Operation(String type, String id) {
        boolean started(boolean legacy) {
            return type.equals(legacy ? "start" : "subscribe");
        }

        boolean stopped(boolean legacy) {
            return type.equals(legacy ? "stop" : "complete");
        }
    }

    /**
     * A protocol message's type and top-level id, with where the id's JSON string starts and ends in the text; null when
     * the text is not a JSON object. Read from the start only as far as both (SmallRye writes them before the payload),
     * so the bulk of an event is not parsed.
     */
    record Envelope(String type, String id, int idStart, int idEnd) {
    }

    static Envelope envelope(String text) {
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(text)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            String id = null;
            int start = -1;
            while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && (type == null || id == null)) {
                String name = parser.currentName();
                com.fasterxml.jackson.core.JsonToken value = parser.nextToken();
                if ("id".equals(name) && id == null && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    start = (int) parser.currentTokenLocation().getCharOffset();
                    id = parser.getText();
                } else if ("type".equals(name) && type == null && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    type = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            return new Envelope(type, id, start, id == null ? -1 : endOfString(text, start));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Where the JSON string that starts (its opening quote) at {@code start} ends: just after its closing quote. */
    private static int endOfString(String text, int start) {
        int i = start + 1;
        while (text.charAt(i) != '"') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    /** A client's message with its top-level id (a string: checked before) replaced by {@code id} (plain ASCII). */
    static String withId(String text, String id) {
        Envelope envelope = envelope(text);
        return text.substring(0, envelope.idStart()) + '"' + id + '"' + text.substring(envelope.idEnd());
    }

    /** The type and id of a read protocol message, or null when it has none. */
    static Operation operation(JsonNode message) {
        return message.path("type").isTextual() && message.path("id").isTextual()
                ? new Operation(message.path("type").asText(), message.path("id").asText()) : null;
    }

    /** SmallRye's view of the connection (as Quarkus' own, which is private). */
    static final class Session implements GraphQLWebSocketSession {
        private final ServerWebSocket socket;
        private final WebSocketMemory.Connection held;
        private final UnreadOutput.Connection unread = UNREAD.open();

        /** Whether the connection was acknowledged (its connection_init authenticated, or taken without a token). */
        private volatile boolean acknowledged;
        /** Told the id SmallRye knows an operation by when SmallRye ended it with an error. */
        volatile java.util.function.Consumer<String> refused = id -> { };

        /**
         * Null when the connection may be acknowledged (its person, or nobody's connections, have a place left), else why
         * not.
         */
        private final java.util.function.Supplier<String> admit;

        Session(ServerWebSocket socket, WebSocketMemory.Connection held, java.util.function.Supplier<String> admit) {
            this.socket = socket;
            this.held = held;
            this.admit = admit;
        }

        /**
         * SmallRye's messages: the id it knows an operation by is replaced by the client's, and a message of an operation
         * that no longer runs (the client completed it) is not sent.
         */
        @Override
        public void sendMessage(String message) {
            if (socket.isClosed()) {
                return;
            }
            // (every acknowledgement: a second connection_init may authenticate a connection taken without a token; an
            // acknowledgement is a short message, the bulk is not searched)
            if (message.length() < 256 && message.contains("\"type\":\"connection_ack\"")) {
                String refused = admit.get();
                if (refused != null) {
                    close(TRY_AGAIN_LATER, refused);
                    return;
                }
                acknowledged = true;
            }
            // an operation SmallRye ended (completed, or refused with an error) no longer counts; only the envelope is
            // read, never an event's payload
            Envelope envelope = envelope(message);
            if (envelope != null && envelope.id() != null) {
                boolean ends = "complete".equals(envelope.type()) || "error".equals(envelope.type());
                String client = ends ? held.endedByServer(envelope.id()) : held.clientOf(envelope.id());
                if (client == null) {
                    return;
                }
                message = message.substring(0, envelope.idStart()) + com.fasterxml.jackson.databind.node.TextNode.valueOf(client)
                        + message.substring(envelope.idEnd());
                if ("error".equals(envelope.type())) {
                    refused.accept(envelope.id());
                }
            }
            write(message);
        }

        /** A message of this class's own (a refusal of an operation SmallRye never saw): written as it is. */
        void sendOwn(String message) {
            if (!socket.isClosed()) {
                write(message);
            }
        }

        private void write(String message) {
            // counted until written (a closed connection fails what it had not written, which gives it back too); the
            // length in chars stands for the bytes (the protocol's JSON is nearly all ASCII)
            long size = message.length();
            if (!unread.take(size)) {
                close(TRY_AGAIN_LATER, "The client does not read what it is sent: " + unread.waiting() + " bytes wait for it; connect "
                        + "again and catch up from the last sequence");
                return;
            }
            try {
                socket.writeTextMessage(message).onComplete(written -> unread.give(size));
            } catch (IllegalStateException closedMeanwhile) {
                unread.give(size);
            }
        }

        @Override
        public void close(short statusCode, String reason) {
            if (!socket.isClosed()) {
                socket.close(statusCode, closeReason(reason));
            }
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public String toString() {
            return "{peer=" + (socket.remoteAddress() == null ? "unknown" : socket.remoteAddress()) + "}";
        }
    }
}
