package com.coinstream.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;

/**
 * Which endpoints a webhook may be sent to (server-side request forgery protection). The URL must be https (plain http
 * only to loopback, where loopback is allowed: dev and test). An address must be public unless the operator allows
 * private ones; loopback only where allowed; cloud metadata addresses never. Checked at registration and again at each
 * delivery, on the addresses the name resolves to then (the connection goes to the address that was checked).
 */
public final class EndpointPolicy {
    static final int MAX_URL_LENGTH = 2048;
    private static final Set<String> METADATA_HOSTS = Set.of("metadata", "metadata.google.internal", "instance-data",
            "instance-data.ec2.internal", "metadata.azure.internal");

    private final boolean allowLoopback;
    private final boolean allowPrivate;

    public EndpointPolicy(boolean allowLoopback, boolean allowPrivate) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
    }

    /** The parsed URL, or ENDPOINT_NOT_ALLOWED saying why. Does not resolve names. */
    public URI parse(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            throw refused("url must be an absolute https URL of at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw refused("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null || host.isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
            throw refused("url must be an absolute https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("url must not carry credentials; the signature authenticates each request");
        }
        if (uri.getRawFragment() != null) {
            throw refused("url must not have a fragment");
        }
        String name = bare(host);
        if (METADATA_HOSTS.contains(name.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""))) {
            throw refused("cloud metadata endpoints are never allowed");
        }
        if (name.contains("%")) {
            throw refused("url must not name an IPv6 zone (scope id)");
        }
        Optional<InetAddress> literal = literal(name);
        boolean loopback = isLoopbackName(name) || literal.map(InetAddress::isLoopbackAddress).orElse(false);
        int port = uri.getPort();
        if (port != -1 && !(allowedPort(port) || (allowLoopback && loopback && port >= 1 && port <= 65535))) {
            throw refused("url's port must be 443, or 1024-65535 (any port only to loopback, where loopback is allowed)");
        }
        if (literal.isPresent()) {
            String why = refusal(literal.get());
            if (why != null) {
                throw refused("url's host is " + why + " (" + literal.get().getHostAddress() + "), which is not allowed");
            }
        }
        if (scheme.equals("http") && !(allowLoopback && loopback)) {
            throw refused("url must use https" + (allowLoopback ? " (plain http only to loopback)" : ""));
        }
        return uri;
    }

    /** 443, or an unprivileged port: no other service on a well-known port is a webhook receiver. */
    static boolean allowedPort(int port) {
        return port == 443 || (port >= 1024 && port <= 65535);
    }

    /**
     * Every address the host resolves to must be allowed (a name that resolves to one private address is refused). The
     * refusal is the same whether the name does not resolve or resolves to an address that is not allowed, and names no
     * address: the resolver answers inside our network, and its answers are not the caller's to map.
     */
    public void check(String host, List<InetAddress> addresses) {
        if (addresses.isEmpty() || addresses.stream().anyMatch(a -> refusal(a) != null)) {
            throw refused(UNREACHABLE);
        }
    }

    static final String UNREACHABLE = "the endpoint's host does not resolve to a public address";

    /** Resolve (blocking) and check: an address literal in any of its forms is the address it denotes, never a name. */
    public List<InetAddress> resolve(URI uri) {
        String host = bare(uri.getHost());
        List<InetAddress> addresses;
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent()) {
            addresses = List.of(literal.get());
        } else {
            try {
                addresses = List.of(InetAddress.getAllByName(host));
            } catch (UnknownHostException | IllegalArgumentException e) {
                addresses = List.of();
            }
        }
        check(host, addresses);
        return addresses;
    }

    /**
     * The address a host names when it is written as one, in any form a resolver accepts: IPv4 as one to four parts, each
     * decimal, octal (leading 0) or hexadecimal (0x), as inet_aton reads them (127.1, 0177.0.0.1, 0x7f000001, 2130706433),
     * or IPv6. Empty for a name.
     */
    static Optional<InetAddress> literal(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        try {
            if (h.contains(":")) {
                return Optional.of(InetAddress.getByName(h)); // IPv6 literals never resolve names
            }
            if (!IPV4_FORMS.matcher(h).matches()) {
                return Optional.empty();
            }
            String[] parts = h.split("\\.");
            long[] values = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i].toLowerCase(Locale.ROOT);
                values[i] = p.startsWith("0x") ? (p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16))
                        : p.length() > 1 && p.startsWith("0") ? Long.parseLong(p, 8) : Long.parseLong(p);
            }
            long address = 0;
            for (int i = 0; i < values.length - 1; i++) {
                if (values[i] > 255) {
                    throw new NumberFormatException();
                }
                address = address << 8 | values[i];
            }
            int rest = 4 - (values.length - 1);
            if (values[values.length - 1] >= 1L << (8 * rest)) {
                throw new NumberFormatException();
            }
            address = address << (8 * rest) | values[values.length - 1];
            return Optional.of(InetAddress.getByAddress(new byte[] { (byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8),
                    (byte) address }));
        } catch (NumberFormatException | UnknownHostException e) {
            // a dotted number that no resolver reads as an address (a part too large): it names nothing we may reach
            throw refused("url's host is not a valid address");
        }
    }

    /** Null when the address is allowed, else what kind of address it is. */
    String refusal(InetAddress address) {
        byte[] v6 = address instanceof Inet6Address ? address.getAddress() : null;
        if (v6 != null && v6.length == 16) {
            String tunnel = tunnel(v6);
            if (tunnel != null) {
                return tunnel;
            }
        }
        InetAddress a = embeddedV4(address);
        byte[] b = a.getAddress();
        if (isMetadata(a)) {
            return "a cloud metadata address";
        }
        if (a.isLoopbackAddress()) {
            return allowLoopback || allowPrivate ? null : "a loopback address";
        }
        String kind = null;
        if (a.isAnyLocalAddress() || (a instanceof Inet4Address && (b[0] & 0xff) == 0)) {
            kind = "an unspecified address";
        } else if (a.isLinkLocalAddress() || (a instanceof Inet6Address && (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80)) {
            kind = "a link-local address";
        } else if (a.isSiteLocalAddress() || (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc)) {
            kind = "a private address";
        } else if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            kind = "a shared (carrier-grade NAT) address";
        } else if (a instanceof Inet4Address && (b[0] & 0xff) == 198 && (b[1] & 0xfe) == 18) {
            kind = "a benchmarking address";
        } else if (a instanceof Inet4Address && ((b[0] & 0xff) == 192 && (b[1] & 0xff) == 0 && ((b[2] & 0xff) == 0 || (b[2] & 0xff) == 2)
                || (b[0] & 0xff) == 192 && (b[1] & 0xff) == 88 && (b[2] & 0xff) == 99
                || (b[0] & 0xff) == 198 && (b[1] & 0xff) == 51 && (b[2] & 0xff) == 100 || (b[0] & 0xff) == 203 && (b[1] & 0xff) == 0
                        && (b[2] & 0xff) == 113)) {
            kind = "a reserved or documentation address";
        } else if (a instanceof Inet6Address && ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8
                || (b[0] & 0xff) == 0x01 && b[1] == 0 && b[2] == 0 && b[3] == 0
                // ::/8, IETF-reserved: what carries an IPv4 address in it was judged as that address before this
                || b[0] == 0
                // IANA's special-purpose blocks: 2001::/23 (IETF protocol assignments: benchmarking 2001:2::/48, ORCHID),
                // 3fff::/20 (documentation, RFC 9637), 5f00::/16 (SRv6 SIDs)
                || (b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xfe) == 0
                || (b[0] & 0xff) == 0x3f && (b[1] & 0xff) == 0xff && (b[2] & 0xf0) == 0 || (b[0] & 0xff) == 0x5f && b[1] == 0)) {
            kind = "a reserved or documentation address";
        } else if (a.isMulticastAddress() || (a instanceof Inet4Address && (b[0] & 0xff) >= 240)) {
            kind = "a multicast or reserved address";
        }
        // (0.0.0.0 and :: reach this host itself: never allowed, private addresses allowed or not)
        return kind == null || allowPrivate && !kind.startsWith("a multicast") && !kind.startsWith("a reserved") && !kind.startsWith("an unspecified")
                ? null : kind;
    }

    /** IPv6 transition addresses whose IPv4 end cannot be judged from the address alone (6to4, Teredo, local NAT64). */
    private static String tunnel(byte[] b) {
        int first = (b[0] & 0xff) << 8 | (b[1] & 0xff);
        if (first == 0x2002) {
            return "a 6to4 address (it tunnels to an IPv4 address)";
        }
        if (first == 0x2001 && b[2] == 0 && b[3] == 0) {
            return "a Teredo address (it tunnels to an IPv4 address)";
        }
        if (first == 0x0064 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
            return "a local-use NAT64 address (it tunnels to an IPv4 address)";
        }
        return null;
    }

    private static boolean isMetadata(InetAddress a) {
        String text = a.getHostAddress();
        return text.equals("169.254.169.254") || text.equals("169.254.170.2") || text.equals("169.254.170.23")
                || text.equals("100.100.100.200") || text.equals("fd00:ec2:0:0:0:0:0:254") || text.equals("fd00:ec2:0:0:0:0:0:23");
    }

    /**
     * An IPv6 address that carries an IPv4 address is judged as that IPv4 address: mapped (::ffff:a.b.c.d), translated
     * (::ffff:0:a.b.c.d), compatible (::a.b.c.d) and the well-known NAT64 prefix (64:ff9b::/96).
     */
    static InetAddress embeddedV4(InetAddress a) {
        byte[] b = a.getAddress();
        if (!(a instanceof Inet6Address) || b.length != 16) {
            return a;
        }
        boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean translated = allZero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0;
        boolean compatible = allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
        boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        if (mapped || translated || compatible || nat64) {
            try {
                return InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] });
            } catch (UnknownHostException e) {
                return a;
            }
        }
        return a;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    // (compiled once: every delivery attempt judges its address)
    private static final java.util.regex.Pattern IPV4_FORMS = java.util.regex.Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+)){0,3}");
    private static final java.util.regex.Pattern LOOPBACK_V4 = java.util.regex.Pattern.compile("127(\\.\\d{1,3}){3}");

    private static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || LOOPBACK_V4.matcher(h).matches();
    }

    static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Refusal refused(String message) {
        return new Refusal(ErrorCode.ENDPOINT_NOT_ALLOWED, message, "input", "url");
    }
}
