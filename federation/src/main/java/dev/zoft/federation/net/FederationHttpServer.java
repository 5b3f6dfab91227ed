package dev.zoft.federation.net;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.zoft.federation.protocol.ProtocolCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The HTTP(S) front end of a {@link Coordinator} on the JDK's own server
 * ({@code com.sun.net.httpserver}), one virtual thread per request. Endpoints, version 1 (see
 * {@code docs/protocol.md}):
 * <pre>
 * POST /v1/register?client=ID     Authorization: Bearer ENROLMENT-KEY → 200 JSON {client, token}
 * GET  /v1/status                 → 200 JSON {@link Coordinator.Status}
 * GET  /v1/round?have=R[&wait=MS] → 200 binary RoundPlan | 202 JSON {wait, round, retryAfterMillis} | 410 finished
 *                                   (with wait, a "wait" answer is held up to MS ≤ 10 s until the rounds change)
 * GET  /v1/sync?have=R            → 200 binary catch-up (aggregates of rounds R+1..)
 * GET  /v1/checkpoint             → 200 binary checkpoint | 404 none yet
 * POST /v1/upload                 binary ClientUpload → 200 JSON {round, uploads, roundClosed}
 * </pre>
 * Every endpoint but register needs {@code X-Zoft-Client: ID} and {@code Authorization: Bearer TOKEN}
 * (401 otherwise). Errors are JSON {@code {"error": reason}} with a 4xx status; a body longer than
 * the limit is refused with 413 from its {@code Content-Length}, before it is read.
 */
public final class FederationHttpServer implements AutoCloseable {

    /** Content type of the binary protocol messages. */
    public static final String BINARY = "application/x-zoft";
    public static final String JSON = "application/json";
    public static final String CLIENT_HEADER = "X-Zoft-Client";
    /** Longest a fetch may be held waiting for the round to change ({@code /v1/round?wait=MS}). */
    public static final int MAX_LONG_POLL_MILLIS = 10_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Coordinator coordinator;
    private final byte[] enrolmentHash;
    private final HttpServer http;
    private final ExecutorService executor;
    private final ScheduledExecutorService ticker;

    private FederationHttpServer(Coordinator coordinator, byte[] enrolmentHash, HttpServer http, ExecutorService executor,
                                 ScheduledExecutorService ticker) {
        this.coordinator = coordinator;
        this.enrolmentHash = enrolmentHash;
        this.http = http;
        this.executor = executor;
        this.ticker = ticker;
    }

    /**
     * Starts serving {@code coordinator} (which stays the caller's to close).
     *
     * @param address     where to listen (port 0 = any free port, see {@link #port})
     * @param tls         an SSL context for HTTPS, or null for plain HTTP
     * @param enrolmentKey the shared secret a device shows once to register
     */
    public static FederationHttpServer start(Coordinator coordinator, InetSocketAddress address, SSLContext tls,
                                             String enrolmentKey) throws IOException {
        Objects.requireNonNull(coordinator, "coordinator");
        if (enrolmentKey == null || enrolmentKey.length() < 16) {
            throw new IllegalArgumentException("the enrolment key must have at least 16 characters");
        }
        HttpServer http;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 1024);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            http = https;
        } else {
            http = HttpServer.create(address, 1024);
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("zoft-round-deadlines").factory());
        FederationHttpServer s = new FederationHttpServer(coordinator, TokenStore.hash(enrolmentKey), http, executor,
                ticker);
        http.createContext("/", s::handle);
        http.start();
        // Deadlines pass with no request arriving too (every client gone): a timer applies them.
        ticker.scheduleWithFixedDelay(() -> {
            try {
                coordinator.tick();
            } catch (IOException | RuntimeException e) {
                // The coordinator reports its failure to every later request; nothing more to do here.
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
        return s;
    }

    /** The port listened on. */
    public int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (Rejected r) {
                sendError(ex, r.status(), r.reason());
            } catch (IOException | RuntimeException e) {
                sendError(ex, 500, "server error: " + e.getMessage());
            }
        }
    }

    private void route(HttpExchange ex) throws Rejected, IOException {
        URI uri = ex.getRequestURI();
        String path = uri.getPath();
        Map<String, String> query = query(uri.getRawQuery());
        String method = ex.getRequestMethod();
        switch (path) {
            case "/v1/register" -> {
                requireMethod(method, "POST");
                readBody(ex); // ignored, but bounded
                String key = bearer(ex);
                if (key == null || !MessageDigest.isEqual(enrolmentHash, TokenStore.hash(key))) {
                    throw new Rejected(401, "a valid enrolment key is needed to register");
                }
                int client = intParam(query, "client");
                String token = coordinator.register(client);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("client", client);
                body.put("token", token);
                sendJson(ex, 200, body);
            }
            case "/v1/status" -> {
                requireMethod(method, "GET");
                authenticate(ex);
                sendJson(ex, 200, coordinator.status());
            }
            case "/v1/round" -> {
                requireMethod(method, "GET");
                int client = authenticate(ex);
                int have = intParam(query, "have");
                long waitMillis = query.containsKey("wait") ? Math.clamp(intParam(query, "wait"), 0, MAX_LONG_POLL_MILLIS) : 0;
                switch (longPoll(client, have, waitMillis)) {
                    case Coordinator.Fetch.Plan p -> send(ex, 200, BINARY, ProtocolCodec.encode(p.plan()));
                    case Coordinator.Fetch.Wait w -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("wait", w.reason());
                        body.put("round", w.openRound());
                        body.put("retryAfterMillis", w.retryAfterMillis());
                        sendJson(ex, 202, body);
                    }
                    case Coordinator.Fetch.Finished f -> sendError(ex, 410, "the run is finished after round " + f.rounds());
                }
            }
            case "/v1/sync" -> {
                requireMethod(method, "GET");
                authenticate(ex);
                int have = intParam(query, "have");
                send(ex, 200, BINARY, ProtocolCodec.encodeCatchUp(coordinator.since(have)));
            }
            case "/v1/checkpoint" -> {
                requireMethod(method, "GET");
                authenticate(ex);
                Checkpoints checkpoints = coordinator.checkpoints();
                byte[] c = checkpoints == null ? null : checkpoints.latestBytes();
                if (c == null) {
                    throw new Rejected(404, "no checkpoint yet");
                }
                send(ex, 200, BINARY, c);
            }
            case "/v1/upload" -> {
                requireMethod(method, "POST");
                int client = authenticate(ex);
                byte[] body = readBody(ex);
                Coordinator.Accepted a = coordinator.upload(client, body);
                sendJson(ex, 200, a);
            }
            default -> throw new Rejected(404, "no endpoint " + path);
        }
    }

    /** A fetch that, while the answer is "wait", holds the request until the rounds change or {@code millis} pass. */
    private Coordinator.Fetch longPoll(int client, int have, long millis) throws Rejected, IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (true) {
            long seen = coordinator.version();
            Coordinator.Fetch f = coordinator.fetch(client, have);
            long left = (end - System.nanoTime()) / 1_000_000;
            if (!(f instanceof Coordinator.Fetch.Wait) || left <= 0) {
                return f;
            }
            try {
                coordinator.awaitChange(seen, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return f;
            }
        }
    }

    private static void requireMethod(String method, String expected) throws Rejected {
        if (!expected.equals(method)) {
            throw new Rejected(405, "method " + method + " not allowed here, use " + expected);
        }
    }

    private int authenticate(HttpExchange ex) throws Rejected {
        String id = ex.getRequestHeaders().getFirst(CLIENT_HEADER);
        String token = bearer(ex);
        if (id == null || token == null) {
            throw new Rejected(401, "missing " + CLIENT_HEADER + " or bearer token");
        }
        int client;
        try {
            client = Integer.parseInt(id.strip());
        } catch (NumberFormatException e) {
            throw new Rejected(401, "bad " + CLIENT_HEADER + " header");
        }
        if (!coordinator.authenticate(client, token)) {
            throw new Rejected(401, "bad credentials for client " + client);
        }
        return client;
    }

    private static String bearer(HttpExchange ex) {
        String a = ex.getRequestHeaders().getFirst("Authorization");
        if (a == null || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return a.substring(7).strip();
    }

    private byte[] readBody(HttpExchange ex) throws Rejected, IOException {
        int max = coordinator.limits().maxBodyBytes();
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw new Rejected(400, "bad Content-Length " + declared);
            }
            if (n > max) {
                throw new Rejected(413, "body of " + n + " bytes exceeds the limit of " + max);
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new Rejected(413, "body exceeds the limit of " + max + " bytes");
            }
            return b;
        }
    }

    private static int intParam(Map<String, String> query, String name) throws Rejected {
        String v = query.get(name);
        if (v == null) {
            throw new Rejected(400, "missing query parameter " + name);
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Rejected(400, "query parameter " + name + " is not an integer: " + abbreviate(v));
        }
    }

    private static Map<String, String> query(String raw) throws Rejected {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        if (raw.length() > 1024) {
            throw new Rejected(400, "query too long");
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new Rejected(400, "malformed query part " + abbreviate(part));
            }
            if (m.put(part.substring(0, eq), part.substring(eq + 1)) != null) {
                throw new Rejected(400, "repeated query parameter " + abbreviate(part.substring(0, eq)));
            }
        }
        return m;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, JSON, MAPPER.writeValueAsBytes(body));
    }

    private static void sendError(HttpExchange ex, int status, String reason) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        if (status == 401) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        sendJson(ex, status, body);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening (in-flight requests get up to a second) and the deadline timer. */
    @Override
    public void close() {
        ticker.shutdownNow();
        http.stop(1);
        executor.shutdownNow();
    }
}
