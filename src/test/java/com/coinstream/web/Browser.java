package com.coinstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;

/**
 * Headless Chromium from Debian (/usr/bin/chromium), driven by Playwright for Java. Nothing downloads a browser:
 * PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set for the test JVMs, and the system browser is launched by path.
 */
public final class Browser {
    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    public static final Path SCREENSHOTS = Path.of("target/screenshots");
    public static final int PHONE = 390;
    public static final int DESKTOP = 1280;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Playwright playwright;
    private static com.microsoft.playwright.Browser chromium;

    private Browser() {
    }

    static synchronized com.microsoft.playwright.Browser chromium() {
        if (chromium == null) {
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            chromium = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run")));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> playwright.close()));
        }
        return chromium;
    }

    /** A person in a browser of their own (a separate context: own tab storage, own connection). */
    public static Tab open(String baseUrl, User user, int width) {
        BrowserContext context = chromium().newContext(new com.microsoft.playwright.Browser.NewContextOptions().setBaseURL(baseUrl)
                .setViewportSize(width, width == PHONE ? 844 : 900).setLocale("en-US").setTimezoneId("Europe/Berlin")
                .setReducedMotion(com.microsoft.playwright.options.ReducedMotion.NO_PREFERENCE));
        if (user != null) {
            // The dev sign-in picker remembers its user per tab; a test chooses it before the page loads.
            context.addInitScript("sessionStorage.setItem('coinstream.devUser', " + quoted(user.json()) + ");");
        }
        return new Tab(context, context.newPage());
    }

    static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A demo user as the dev sign-in takes it. */
    public record User(String sub, String groups, String birthdate, String region) {
        public static User viewer(String sub) {
            return new User(sub, "viewer", "1990-01-01", "US");
        }

        public static User creator(String sub) {
            return new User(sub, "viewer,creator", "1990-01-01", "US");
        }

        public static User admin(String sub) {
            return new User(sub, "admin", "1980-01-01", "US");
        }

        public static User minor(String sub) {
            return new User(sub, "viewer", "2012-06-01", "US");
        }

        /** A token for this user, as the API would get from the provider. */
        public String token() {
            return com.coinstream.support.Tokens.token(sub, java.util.Set.of(groups.split(",")), birthdate, region);
        }

        String json() {
            try {
                return JSON.writeValueAsString(Map.of("sub", sub, "label", sub, "groups", groups, "birthdate", birthdate, "region", region));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One page with everything it logged as an error, which a test asserts is nothing. */
    public static final class Tab implements AutoCloseable {
        public final BrowserContext context;
        public final Page page;
        public final List<String> errors = new ArrayList<>();

        Tab(BrowserContext context, Page page) {
            this.context = context;
            this.page = page;
            page.onConsoleMessage(m -> {
                if ("error".equals(m.type())) {
                    errors.add(m.text());
                }
            });
            page.onPageError(errors::add);
        }

        public Tab go(String path) {
            page.navigate(path);
            try {
                page.waitForSelector("cs-app main:not([aria-busy=true]), cs-overlay .overlay-stage",
                        new Page.WaitForSelectorOptions().setState(com.microsoft.playwright.options.WaitForSelectorState.ATTACHED));
            } catch (com.microsoft.playwright.TimeoutError e) {
                // (what the page logged says why it never became ready: a script that failed to load or run)
                String body = page.content();
                throw new AssertionError(path + " never became ready; errors in the browser console: " + errors + "; the page: "
                        + body.substring(0, Math.min(body.length(), 1500)), e);
            }
            return this;
        }

        /** Runs axe-core (WCAG 2 A and AA) on the page as it is now; returns the violations, described. */
        @SuppressWarnings("unchecked")
        public List<String> accessibilityViolations() {
            if (!Boolean.TRUE.equals(page.evaluate("typeof axe !== 'undefined'"))) {
                page.evaluate(axeSource());
            }
            Object result = page.evaluate("async () => (await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }))"
                    + ".violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))");
            return (List<String>) result;
        }

        public void screenshot(String name) {
            try {
                Files.createDirectories(SCREENSHOTS);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true).setOmitBackground(true));
        }

        public void assertNoConsoleErrors() {
            assertEquals(List.of(), errors, "errors in the browser console");
        }

        @Override
        public void close() {
            context.close();
        }
    }

    private static String axeSource;

    static synchronized String axeSource() {
        if (axeSource == null) {
            try {
                axeSource = Files.readString(Path.of("src/main/webui/node_modules/axe-core/axe.min.js"));
            } catch (IOException e) {
                throw new IllegalStateException("axe-core is installed by the front end's npm ci (it runs in the build)", e);
            }
        }
        return axeSource;
    }
}
