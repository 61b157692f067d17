package com.coinstream.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
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
        if (scheme.equals("http") && !(allowLoopback && isLoopbackName(name))) {
            throw refused("url must use https" + (allowLoopback ? " (plain http only to loopback)" : ""));
        }
        return uri;
    }

    /** Every address the host resolves to must be allowed (a name that resolves to one private address is refused). */
    public void check(String host, List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            throw refused("the endpoint's host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            String why = refusal(a);
            if (why != null) {
                throw refused("the endpoint's host " + host + " resolves to " + why + " (" + a.getHostAddress() + "), which is not allowed");
            }
        }
    }

    /** Resolve (blocking) and check. */
    public List<InetAddress> resolve(URI uri) {
        String host = bare(uri.getHost());
        List<InetAddress> addresses;
        try {
            addresses = List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            addresses = List.of();
        }
        check(host, addresses);
        return addresses;
    }

    /** Null when the address is allowed, else what kind of address it is. */
    String refusal(InetAddress address) {
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
        } else if (a.isLinkLocalAddress()) {
            kind = "a link-local address";
        } else if (a.isSiteLocalAddress() || (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc)) {
            kind = "a private address";
        } else if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            kind = "a shared (carrier-grade NAT) address";
        } else if (a instanceof Inet4Address && (b[0] & 0xff) == 198 && (b[1] & 0xfe) == 18) {
            kind = "a benchmarking address";
        } else if (a.isMulticastAddress() || (a instanceof Inet4Address && (b[0] & 0xff) >= 240)) {
            kind = "a multicast or reserved address";
        }
        return kind == null || allowPrivate && !kind.startsWith("a multicast") ? null : kind;
    }

    private static boolean isMetadata(InetAddress a) {
        String text = a.getHostAddress();
        return text.equals("169.254.169.254") || text.equals("169.254.170.2") || text.startsWith("fd00:ec2:0:0:0:0:0:254");
    }

    /** An IPv4-mapped or -compatible IPv6 address is judged as the IPv4 address it carries. */
    private static InetAddress embeddedV4(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && b.length == 16) {
            boolean zeros = true;
            for (int i = 0; i < 10; i++) {
                zeros &= b[i] == 0;
            }
            boolean mapped = zeros && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] });
                } catch (UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }

    private static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
    }

    static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Refusal refused(String message) {
        return new Refusal(ErrorCode.ENDPOINT_NOT_ALLOWED, message, "input", "url");
    }
}
